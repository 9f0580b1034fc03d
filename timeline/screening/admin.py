"""Screening in the admin: upload a list, watch it being screened, review candidates, decide, download.

Only the uploader and staff holding ``screen_all`` see a list; the names it holds are never logged
(the admin's change log keeps the list's title only).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from timeline.models import Entity
from timeline.screening.decisions import SCREEN_ALL, visible_decisions, visible_lists
from timeline.screening.exports import list_workbook
from timeline.screening.models import ScreeningDecision, ScreeningList, ScreeningRow, Verdict
from timeline.screening.results import list_progress, list_rows
from timeline.screening.services import screening_decision_record, screening_list_create, screening_list_screen_next
from timeline.screening.uploads import UploadError, parse_upload


class ScreeningListUploadForm(forms.ModelForm):
    upload = forms.FileField(
        label="list", help_text="CSV or XLSX with a 'name' column; optional kind, country, date of birth, identifier."
    )

    class Meta:
        model = ScreeningList
        fields = ["title", "threshold"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        from django.conf import settings

        if upload.size > settings.SCREENING_UPLOAD_MAX_BYTES:
            raise ValidationError(f"The file is larger than {settings.SCREENING_UPLOAD_MAX_BYTES // (1024 * 1024)} MB.")
        try:
            self.cleaned_data["rows"] = parse_upload(upload.name, upload.read())
        except UploadError as error:
            raise ValidationError(error.errors) from error
        return upload


class PrivateHistoryMixin:
    """The history page answers 403 to staff without the permission, before looking the record up:
    the querysets here hold only what the user may see, and Django would otherwise redirect with
    "does not exist", telling apart lists that exist from lists that do not."""

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


@admin.register(ScreeningList)
class ScreeningListAdmin(PrivateHistoryMixin, admin.ModelAdmin):
    list_display = ["title", "uploaded_by", "created_at", "rows_screened"]
    readonly_fields = ["uploaded_by", "file_name", "threshold", "created_at"]
    fields = ["title", "threshold", "uploaded_by", "file_name", "created_at"]
    change_form_template = "admin/timeline_screening/screeninglist/change_form.html"
    list_per_page = 50

    def get_queryset(self, request):
        return visible_lists(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ScreeningListUploadForm
            kwargs["fields"] = ["title", "threshold", "upload"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["title", "threshold", "upload"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        obj.uploaded_by = request.user
        obj.file_name = form.cleaned_data["upload"].name
        screening_list_create(obj, form.cleaned_data["rows"])

    @admin.display(description="screened")
    def rows_screened(self, obj):
        progress = list_progress(obj)
        return f"{progress['done']} of {progress['total']}"

    def _visible(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(visible_lists(request.user), pk=pk)

    def get_urls(self):
        own = [
            path("<int:pk>/screen/", self.admin_site.admin_view(self.screen_view), name="timeline_screening_screen"),
            path("<int:pk>/decide/", self.admin_site.admin_view(self.decide_view), name="timeline_screening_decide"),
            path("<int:pk>/xlsx/", self.admin_site.admin_view(self.xlsx_view), name="timeline_screening_xlsx"),
        ]
        return own + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            show_rejected = request.GET.get("show_rejected") == "1"
            context.update(
                progress=list_progress(obj),
                rows=list_rows(obj, request.user, show_rejected=show_rejected),
                show_rejected=show_rejected,
                verdicts=Verdict.choices,
                may_decide=request.user.has_perm("timeline_screening.add_screeningdecision"),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def screen_view(self, request, pk):
        """Screen the next batch of rows: JSON progress for the page's loop, a redirect without JavaScript."""
        if request.method != "POST":
            return require_POST(lambda request: None)(request)
        screening_list = self._visible(request, pk)
        done, total = screening_list_screen_next(screening_list)
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"done": done, "total": total})
        return HttpResponseRedirect(reverse("admin:timeline_screening_screeninglist_change", args=[pk]))

    def decide_view(self, request, pk):
        if request.method != "POST":
            return require_POST(lambda request: None)(request)
        screening_list = self._visible(request, pk)
        if not request.user.has_perm("timeline_screening.add_screeningdecision"):
            raise PermissionDenied
        back = reverse("admin:timeline_screening_screeninglist_change", args=[pk])
        row = (
            ScreeningRow.objects.filter(screening_list=screening_list, pk=request.POST.get("row", "")).first()
            if request.POST.get("row", "").isdigit()
            else None
        )
        entity_id = request.POST.get("entity", "")
        if row is None or not entity_id.isdigit() or int(entity_id) not in {r["entity_id"] for r in row.results}:
            messages.error(request, "Choose a row and one of its candidates.")
            return HttpResponseRedirect(back)
        try:
            screening_decision_record(
                request.user,
                row.name,
                Entity.objects.get(pk=int(entity_id)),
                request.POST.get("verdict", ""),
                request.POST.get("note", ""),
                row=row,
            )
        except ValidationError as error:
            messages.error(
                request,
                f"Row {row.number}: "
                + "; ".join(f"{field}: {' '.join(errors)}" for field, errors in error.message_dict.items()),
            )
            return HttpResponseRedirect(back)
        messages.success(request, f"Row {row.number}: decision recorded.")
        return HttpResponseRedirect(f"{back}#row-{row.number}")

    def xlsx_view(self, request, pk):
        screening_list = self._visible(request, pk)
        rows = list_rows(screening_list, request.user, show_rejected=request.GET.get("show_rejected") == "1")
        response = HttpResponse(
            list_workbook(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="screening-{screening_list.pk}.xlsx"'
        return response


@admin.register(ScreeningDecision)
class ScreeningDecisionAdmin(PrivateHistoryMixin, admin.ModelAdmin):
    """Decisions are taken on a list's candidates or through the API; here they are reviewed and revised."""

    list_display = ["name", "entity", "verdict", "decided_by", "decided_at"]
    list_filter = ["verdict"]
    search_fields = ["name"]
    fields = ["name", "entity", "verdict", "note", "decided_by", "decided_at"]
    readonly_fields = ["name", "entity", "decided_by", "decided_at"]
    list_select_related = ["entity", "decided_by"]

    def get_queryset(self, request):
        return visible_decisions(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.decided_by_id == request.user.pk or request.user.has_perm(SCREEN_ALL))

    def save_model(self, request, obj, form, change):
        screening_decision_record(request.user, obj.name, obj.entity, obj.verdict, obj.note, row=obj.row)
