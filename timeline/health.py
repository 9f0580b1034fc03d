"""Liveness for load balancers and operators: is the database reachable right now?"""

from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
@transaction.non_atomic_requests
def healthz(request):
    """200 when a trivial query succeeds, 503 otherwise.

    A failed connection is closed so the next request opens a fresh one: the site recovers by
    itself when the database comes back.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        connection.close()
        return JsonResponse({"status": "unavailable", "database": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
