"""Per request: send anonymous safe-method reads to a usable replica, everything else to the primary.

Signed-in users (a session, or any ``Authorization`` header) read from the primary, so an editor
always sees their own writes. A replica that fails during the request costs the request nothing:
the view runs again on the primary (safe methods only, so running it twice changes nothing).
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from timeline.replicas import status
from timeline.replicas.router import current_replica, reading_from

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def is_anonymous(request):
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


class ReplicaRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        alias = None
        if settings.REPLICA_DATABASES and request.method in SAFE_METHODS and is_anonymous(request):
            alias = status.choose()
        request.read_from = alias or DEFAULT_DB_ALIAS
        with reading_from(alias):
            response = self.get_response(request)
        if settings.READ_FROM_HEADER:
            # Opt-in, for measuring and debugging: which database answered (it names the topology).
            response["X-Read-From"] = request.read_from
        return response

    def process_exception(self, request, exception):
        """Answer again from the primary when the replica this request read from failed."""
        alias = current_replica()
        if alias is None or not isinstance(exception, DatabaseError) or not connections[alias].errors_occurred:
            return None
        status.mark_failed(alias, exception)
        request.read_from = DEFAULT_DB_ALIAS
        match = request.resolver_match
        view = match.func
        if settings.DATABASES[DEFAULT_DB_ALIAS]["ATOMIC_REQUESTS"] and DEFAULT_DB_ALIAS not in getattr(
            view, "_non_atomic_requests", set()
        ):
            view = transaction.atomic(using=DEFAULT_DB_ALIAS)(view)
        with reading_from(None):
            response = view(request, *match.args, **match.kwargs)
            if callable(getattr(response, "render", None)):
                response = response.render()
        return response
