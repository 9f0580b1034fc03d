"""The current data version (``timeline.DataVersion``), read once per cacheable API request."""

from timeline.models import DataVersion


def current_data_version(using="default"):
    """The version committed last, or None when the row is missing (a table just emptied by TRUNCATE)."""
    return DataVersion.objects.using(using).filter(pk=1).values_list("version", flat=True).first()
