"""Liveness for load balancers and operators: is the database reachable right now, and what else is degraded?"""

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from timeline.replicas import status as replica_status


@never_cache
@require_GET
@transaction.non_atomic_requests
def healthz(request):
    """200 when a trivial query on the primary succeeds, 503 otherwise.

    A failed connection is closed so the next request opens a fresh one: the site recovers by
    itself when the database comes back. With replicas configured, each one's lag (or error) is
    listed; with Redis, whether it answers. Either one failing is ``"degraded"``, still a 200:
    reads fall back to the primary and caching to each process.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        connection.close()
        return JsonResponse({"status": "unavailable", "database": type(error).__name__}, status=503)
    answer = {"status": "ok", "database": connection.vendor}
    if settings.REPLICA_DATABASES:
        answer["replicas"] = replica_status.report()
        if not all(replica["usable"] for replica in answer["replicas"].values()):
            answer["status"] = "degraded"
    if settings.REDIS_URL:
        shared = caches["default"].ping()
        answer["cache"] = {"backend": "redis", "shared": shared}
        if not shared:
            answer["status"] = "degraded"
    return JsonResponse(answer)
