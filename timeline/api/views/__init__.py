"""API views by sub-domain; every record endpoint shares RecordViewSet."""
