"""Throttling of anonymous clients (429 with Retry-After, set by DRF's exception handler)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    """AnonRateThrottle reading its rate from the current settings on each request.

    DRF binds ``THROTTLE_RATES`` once at import, so a changed ``REST_FRAMEWORK`` setting (another
    deployment's configuration, a test's override) would otherwise be ignored.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
