"""``/bulk/``: the bulk releases as files, the latest manifest at ``/bulk/index.json``."""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

CONTENT_TYPES = {
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".sql": "application/sql; charset=utf-8",
    ".sh": "text/x-shellscript; charset=utf-8",
}


@require_safe
def bulk_file(request, path):
    """A file of a release, read only from under BULK_ROOT (no path may climb out of it)."""
    root = Path(settings.BULK_ROOT).resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise Http404("No such bulk file.")
    content_type = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
    response = FileResponse(target.open("rb"), content_type=content_type)
    # The latest manifest changes with each release; release files never change once written.
    response["Cache-Control"] = "no-cache" if target.parent == root else "public, max-age=86400, immutable"
    return response
