"""A screened list as an XLSX workbook: one line per row and candidate, with its decision."""

import io

from openpyxl import Workbook

COLUMNS = (
    "row",
    "name",
    "kind",
    "country",
    "candidate",
    "candidate id",
    "score",
    "match",
    "actions",
    "authorities",
    "latest event",
    "latest event date",
    "net penalties",
    "custody",
    "clemency",
    "decision",
    "note",
    "decided by",
)


def _penalties(enforcement):
    return "; ".join(f"{item['currency']} {item['net']}" for item in enforcement.get("net_penalties", []))


def list_workbook(rows):
    """Bytes of an XLSX with the ``RowView``s of timeline.screening.results.list_rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("screening")
    sheet.append(COLUMNS)
    for view in rows:
        row = view.row
        base = [row.number, row.name, row.schema, row.country]
        if not view.candidates:
            sheet.append([*base, "", "", None, "no candidate"])
        for candidate in view.candidates:
            enforcement = candidate["enforcement"]
            latest = enforcement.get("latest_event") or {}
            decision = candidate["decision"]
            sheet.append(
                [
                    *base,
                    candidate["caption"],
                    candidate["id"],
                    candidate["score"],
                    "yes" if candidate["match"] else "no",
                    enforcement["actions"],
                    ", ".join(authority["name"] for authority in enforcement["authorities"]),
                    latest.get("title", ""),
                    latest.get("date", ""),
                    _penalties(enforcement),
                    "; ".join(item["custody"] for item in enforcement["custody"]),
                    "; ".join(item["status_label"] for item in enforcement["clemency"]),
                    decision.get_verdict_display() if decision else "",
                    decision.note if decision else "",
                    decision.decided_by.get_username() if decision else "",
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
