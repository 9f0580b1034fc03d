"""The editors' inbox: a changelist of releases and a review page to accept, merge or reject each."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from timeline.services.nested import InvalidWrite
from timeline.watch.forms import AcceptForm, MergeForm, RejectForm
from timeline.watch.highlight import highlighted
from timeline.watch.models import DECIDED, InboxItem, ItemStatus
from timeline.watch.publishers import publishers
from timeline.watch.services import inbox_item_accept, inbox_item_merge, inbox_item_reject


class PublisherFilter(admin.SimpleListFilter):
    title = "publisher"
    parameter_name = "publisher"

    def lookups(self, request, model_admin):
        return [(slug, publisher.name) for slug, publisher in publishers().items()]

    def queryset(self, request, queryset):
        return queryset.filter(publisher=self.value()) if self.value() else queryset


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):
    list_display = ("release_id", "publisher_name", "title", "published_on", "status", "has_amounts", "is_changed")
    list_filter = (PublisherFilter, "status", "has_amounts", "is_changed", "published_on")
    search_fields = ("release_id", "title", "url")
    date_hierarchy = "published_on"
    list_per_page = 50
    show_full_result_count = False
    review_template = "admin/timeline_watch/inboxitem/review.html"

    def has_add_permission(self, request):
        return False  # items come from the publishers only

    def has_delete_permission(self, request, obj=None):
        return False  # a decided release stays on record; a new one is rejected, not deleted

    @admin.display(description="publisher", ordering="publisher")
    def publisher_name(self, obj):
        publisher = publishers().get(obj.publisher)
        return publisher.name if publisher else obj.publisher

    def get_urls(self):
        review = self.admin_site.admin_view
        return [
            path("<int:pk>/accept/", review(self.accept_view), name="timeline_watch_inboxitem_accept"),
            path("<int:pk>/merge/", review(self.merge_view), name="timeline_watch_inboxitem_merge"),
            path("<int:pk>/reject/", review(self.reject_view), name="timeline_watch_inboxitem_reject"),
            *super().get_urls(),
        ]

    # --- The review page ------------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_object(request, object_id)
        if item is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, item):
            raise PermissionDenied
        if request.method == "POST":
            raise PermissionDenied  # decisions go to their own URLs
        return self._review(request, item)

    def _review(self, request, item, forms=None, status=200):
        publisher = publishers()[item.publisher]
        can_decide = self.has_change_permission(request, item) and item.status not in (*DECIDED, ItemStatus.FAILED)
        forms = forms or {}
        if can_decide:
            forms.setdefault("accept", AcceptForm(item=item, publisher=publisher))
            forms.setdefault("merge", MergeForm(item=item))
            forms.setdefault("reject", RejectForm())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Review {item.release_id}",
            "item": item,
            "publisher": publisher,
            "highlighted_text": highlighted(item.text, item.candidates or {}),
            "candidates": item.candidates or {},
            "can_decide": can_decide,
            "forms": forms,
            "original": item,
            "has_view_permission": True,
        }
        return TemplateResponse(request, self.review_template, context, status=status)

    def _item_for_decision(self, request, pk):
        item = get_object_or_404(InboxItem, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, item):
            raise PermissionDenied
        return item

    def _done(self, request, item, message):
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:timeline_watch_inboxitem_change", args=[item.pk]))

    def accept_view(self, request, pk):
        item = self._item_for_decision(request, pk)
        publisher = publishers()[item.publisher]
        form = AcceptForm(request.POST, item=item, publisher=publisher)
        if form.is_valid():
            try:
                action = inbox_item_accept(item, form.decision(), publisher.name, user=request.user)
            except InvalidWrite as exc:
                form.add_service_errors(exc.errors)
            else:
                return self._done(request, item, f"Accepted: {action} now cites {item.release_id}.")
        return self._review(request, item, {"accept": form}, status=400)

    def merge_view(self, request, pk):
        item = self._item_for_decision(request, pk)
        form = MergeForm(request.POST, item=item)
        if form.is_valid():
            data = form.cleaned_data
            status_change = (
                {"status": data["new_status"], "resolved_on": data["resolved_on"]} if data["new_status"] else None
            )
            event = {"date": data["event_date"], "event_type": data["event_type"], "title": data["event_title"]}
            try:
                inbox_item_merge(
                    item, data["action"], event, publishers()[item.publisher].name, request.user, status_change
                )
            except InvalidWrite as exc:
                form.add_error(None, "; ".join(f"{part}: {errors}" for part, errors in exc.errors.items()))
            else:
                return self._done(request, item, f"Merged into {data['action']}.")
        return self._review(request, item, {"merge": form}, status=400)

    def reject_view(self, request, pk):
        item = self._item_for_decision(request, pk)
        form = RejectForm(request.POST)
        if form.is_valid():
            try:
                inbox_item_reject(item, form.cleaned_data["reason"], request.user)
            except InvalidWrite as exc:
                form.add_error(None, str(exc.errors))
            else:
                return self._done(request, item, f"Rejected {item.release_id}.")
        return self._review(request, item, {"reject": form}, status=400)
