"""Bulk releases: the public tables as CSV with their PostgreSQL schema and a load script, the editors'
JSON export, the data as FollowTheMoney entities, and a manifest with checksums (``release.py``)."""
