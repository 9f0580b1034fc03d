"""Public read-only pages: the home page, case and entity timelines, penalty charts, search.

Views parse the request and render; every query they need comes from timeline.selectors.pages.
"""

import csv

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from timeline.pages.charts import penalty_chart
from timeline.pages.forms import PenaltyCsvForm, PenaltyFilterForm, SearchForm
from timeline.selectors import pages as selectors

TRUE_VALUES = {"1", "true", "yes", "on"}
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def include_related_requested(request):
    return request.GET.get("include_related", "").strip().lower() in TRUE_VALUES


@require_safe
def home(request):
    context = {"cases": selectors.cases_with_activity(), "events": selectors.recent_events()}
    return render(request, "pages/home.html", context)


@require_safe
def case_detail(request, slug):
    case = get_object_or_404(selectors.cases_for_pages(), slug=slug)
    return render(request, "pages/case_detail.html", {"case": case, "page": selectors.case_page(case)})


@require_safe
def entity_detail(request, slug):
    entity = get_object_or_404(selectors.entities_for_pages(), slug=slug)
    include_related = include_related_requested(request)
    page = selectors.entity_page(entity, include_related=include_related)
    return render(request, "pages/entity_detail.html", {"entity": entity, "page": page})


@require_safe
def penalties(request):
    """Charts per year and per authority; invalid filters answer 400 with the form's messages."""
    form = PenaltyFilterForm(request.GET)
    context = {"form": form, "charts_by_year": [], "charts_by_authority": []}
    if not form.is_valid():
        return render(request, "pages/penalties.html", context, status=400)
    filters = form.selector_filters()
    context.update(
        query_string=form.query_string(),
        charts_by_year=penalty_chart(
            "chart-year", selectors.penalties_by("year", **filters), "year", "Penalties per year"
        ),
        charts_by_authority=penalty_chart(
            "chart-authority", selectors.penalties_by("authority", **filters), "authority", "Penalties per authority"
        ),
    )
    return render(request, "pages/penalties.html", context)


def _csv_cell(value):
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


@require_safe
def penalties_csv(request):
    """The figures of one penalties chart as CSV, under the same filters."""
    form = PenaltyCsvForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text(), content_type="text/plain; charset=utf-8")
    group_by = form.cleaned_data["group_by"]
    totals = selectors.penalties_by(group_by, **form.selector_filters())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="penalties-by-{group_by}.csv"'
    writer = csv.writer(response)
    writer.writerow([group_by, "label", "currency", "gross", "credited", "suspended", "net", "components"])
    for total in totals:
        writer.writerow(
            [
                _csv_cell(total.group),
                _csv_cell(total.label),
                total.currency,
                *(f"{amount:.2f}" for amount in (total.gross, total.credited, total.suspended, total.net)),
                total.components,
            ]
        )
    return response


@require_safe
def search(request):
    """Without a query, how to search; with one the form refuses (too long, say), a 400 saying why."""
    form = SearchForm(request.GET)
    context = {"form": form, "query": "", "entities": [], "cases": []}
    if form.is_valid():
        query = form.cleaned_data["q"]
        context.update(query=query, entities=selectors.search_entities(query), cases=selectors.search_cases(query))
    elif request.GET.get("q", "").strip():
        return render(request, "pages/search.html", context, status=400)
    return render(request, "pages/search.html", context)
