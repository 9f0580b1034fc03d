"""Serializers by sub-domain: read (list and detail) and write shapes of each resource."""
