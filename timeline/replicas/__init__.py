"""Read replicas: anonymous safe-method reads go to a PostgreSQL streaming replica, everything else to the primary.

``middleware.ReplicaRoutingMiddleware`` decides per request, ``router.ReplicaRouter`` sends that
request's reads where it decided, and ``status`` keeps each replica's measured lag and errors so a
replica that is down or behind ``MAX_REPLICA_LAG`` is skipped. Configured by ``DATABASE_REPLICA_URLS``.
"""
