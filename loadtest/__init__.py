"""Load without loss: gunicorn on PostgreSQL under concurrent readers and writers (``python -m loadtest.run``)."""
