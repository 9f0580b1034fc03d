"""Which timeline models hold data, for tests that snapshot or count every table."""

from django.apps import apps

from timeline.models import DataVersion


def data_models(include_auto_created=False):
    """Every timeline model (audit trail included), the data version left out: it is not data, and
    it moves with every write, an identical reload included."""
    return [
        model
        for model in apps.get_app_config("timeline").get_models(include_auto_created=include_auto_created)
        if model is not DataVersion
    ]
