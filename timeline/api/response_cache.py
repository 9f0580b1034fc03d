"""Anonymous reads answered from a cache keyed by the data version, so a hit is never stale.

Every write to timeline data stores a new data version in the same commit (database triggers,
``timeline.models.data_version``), and the version is part of each cache key: the first read
after a write misses and everything cached before is never served again. A hit still passes
authentication, permissions, throttling and content negotiation, then costs one query (the
version) instead of the page's queries and serialization.

Only anonymous GETs rendered as JSON or CSV with status 200 are cached: signed-in users (editors
about to write, readers of the audit trail) always get a fresh answer, and so does the browsable
API, whose page depends on the user. ``API_CACHE_SECONDS = 0`` turns caching off.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse

from timeline.selectors.data_version import current_data_version

CACHE_ALIAS = "api"
CACHED_FORMATS = {"json", "csv"}
# Headers set per response by the middleware after the view; everything else the view set is kept.
SKIPPED_HEADERS = {"content-length"}


def cache_key(request):
    """The key of this request's answer at the current data version, or None if it is not cached."""
    if settings.API_CACHE_SECONDS <= 0 or request.method != "GET" or request.user.is_authenticated:
        return None
    if getattr(request.accepted_renderer, "format", None) not in CACHED_FORMATS:
        return None
    version = current_data_version()
    if version is None:
        return None
    parts = (connection.settings_dict["NAME"], version, request.accepted_media_type, request.build_absolute_uri())
    return "answer:" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def cached_answer(key):
    stored = caches[CACHE_ALIAS].get(key)
    if stored is None:
        return None
    status, headers, content = stored
    return HttpResponse(content, status=status, headers=headers)


def store_answer(key, response):
    content = response.content
    if len(content) > settings.API_CACHE_MAX_BYTES:
        return
    headers = {name: value for name, value in response.items() if name.lower() not in SKIPPED_HEADERS}
    caches[CACHE_ALIAS].set(key, (response.status_code, headers, content), settings.API_CACHE_SECONDS)


class CachedReadMixin:
    """Serve an anonymous GET from the cache when this data version already answered it."""

    answer_cache_key = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.answer_cache_key = cache_key(request)
        if self.answer_cache_key is None:
            return
        answer = cached_answer(self.answer_cache_key)
        if answer is not None:
            # dispatch() looks the handler up after initial(): answer with the stored bytes instead.
            setattr(self, request.method.lower(), lambda *args, **kwargs: answer)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = self.answer_cache_key
        if key is not None and response.status_code == 200 and hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(lambda rendered: store_answer(key, rendered))
        return response
