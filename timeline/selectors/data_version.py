"""The current data version (``timeline.DataVersion``), read once per cacheable API request.

Read where the request reads its data (the database router decides: a replica for anonymous reads),
so a replica that lags keys its answers by the version it has replayed, never by the primary's.
"""

from timeline.models import DataVersion


def current_data_version(using=None):
    """The version committed last, or None when the row is missing (a table just emptied by TRUNCATE)."""
    return DataVersion.objects.db_manager(using).filter(pk=1).values_list("version", flat=True).first()
