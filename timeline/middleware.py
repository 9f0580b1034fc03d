"""Refuse a URL carrying a NUL character before any view sees it.

NUL is never part of a slug, key, date or search term, and PostgreSQL cannot even compare text
holding one: a lookup such as ``/admin/timeline/entity/?kind=%00`` or an API detail URL ending in
``%00/`` would fail in the database with a 500. The answer is a 400 naming the parameter (JSON,
shaped like the API's field errors, under /api/; plain text elsewhere).
"""

from django.http import HttpResponseBadRequest, JsonResponse

NUL = "\x00"
MESSAGE = "Null characters are not allowed."


def _offending_parameters(request):
    return sorted(
        {name for name, values in request.GET.lists() if NUL in name or any(NUL in value for value in values)}
    )


class RejectNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        errors = {name.replace(NUL, "\\x00"): [MESSAGE] for name in _offending_parameters(request)}
        if NUL in request.path_info:
            errors["path"] = [f"The URL path contains a NUL character. {MESSAGE}"]
        if not errors:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(errors, status=400)
        lines = [f"{name}: {' '.join(messages)}" for name, messages in errors.items()]
        return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")
