"""Reading a screened list: its progress, and each row's candidates with the decisions taken on them."""

from dataclasses import dataclass, field

from timeline.screening.decisions import visible_decisions
from timeline.screening.models import ScreeningRow, ScreeningStatus, Verdict


@dataclass
class RowView:
    row: ScreeningRow
    candidates: list = field(default_factory=list)  # stored result dicts, each with "decision"
    hidden: int = 0


def list_progress(screening_list):
    rows = ScreeningRow.objects.filter(screening_list=screening_list)
    return {"done": rows.filter(status=ScreeningStatus.DONE).count(), "total": rows.count()}


def list_rows(screening_list, user, show_rejected=False):
    """Rows in order with their candidates; candidates decided false positives hidden unless ``show_rejected``."""
    rows = list(ScreeningRow.objects.filter(screening_list=screening_list).order_by("number"))
    keys = {row.name_key for row in rows}
    entity_ids = {result["entity_id"] for row in rows for result in row.results}
    decisions = {
        (decision.name_key, decision.entity_id): decision
        for decision in visible_decisions(user).filter(name_key__in=keys, entity_id__in=entity_ids)
    }
    views = []
    for row in rows:
        view = RowView(row)
        for result in row.results:
            decision = decisions.get((row.name_key, result["entity_id"]))
            if decision and decision.verdict == Verdict.FALSE_POSITIVE and not show_rejected:
                view.hidden += 1
                continue
            view.candidates.append({**result, "decision": decision})
        views.append(view)
    return views
