"""Content negotiation: an unknown ``?format=`` is a 400 naming the parameter, like any bad parameter.

DRF answers 404 for a format no renderer offers, which reads as "no such record" and is not what
the client got wrong.
"""

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings


class StrictFormatNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            offered = ", ".join(sorted({renderer.format for renderer in renderers}))
            raise ValidationError({api_settings.URL_FORMAT_OVERRIDE: [f"Unknown format; use one of: {offered}."]})
        return matching
