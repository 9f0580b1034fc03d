"""Spreadsheet import and export on the admin changelists, for compliance staff.

Export writes the changelist as filtered and searched. Import previews a dry run with every row's
problems, and the confirmed import writes the whole file or nothing (see timeline.admin.resources).
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

# Problems listed in the message above the preview; the table below it shows them all.
LISTED_PROBLEMS = 20


def result_problems(result):
    """Every problem of an import result as text naming its row and field."""
    problems = [str(error.error) for error in result.base_errors]
    for number, errors in result.row_errors():
        problems.extend(f"row {error.number or number}: {error.error}" for error in errors)
    for row in result.invalid_rows:
        for field, field_messages in row.error_dict.items():
            label = "" if field == "__all__" else f", {field}"
            problems.extend(f"row {row.number}{label}: {message}" for message in field_messages)
    return problems


def problems_message(problems):
    shown = problems[:LISTED_PROBLEMS]
    if len(problems) > LISTED_PROBLEMS:
        shown.append(f"and {len(problems) - LISTED_PROBLEMS} more")
    return "Nothing was imported. Correct the file and upload it again: " + "; ".join(shown)


class SpreadsheetMixin(ImportExportMixin):
    """CSV and XLSX import and export: importing needs add and change permission, exporting view."""

    formats = (CSV, XLSX)

    def has_import_permission(self, request):
        return (
            super().has_import_permission(request)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request):
        return super().has_export_permission(request) and self.has_view_permission(request)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = (getattr(response, "context_data", None) or {}).get("result")
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            messages.error(request, problems_message(result_problems(result)))
        return response

    def process_result(self, result, request):
        # The preview passed, but the data moved before the confirmation: the import rolled back whole.
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, problems_message(result_problems(result)))
            app_label, model_name = self.get_model_info()
            url = reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
            return HttpResponseRedirect(url)
        return super().process_result(result, request)
