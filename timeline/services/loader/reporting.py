"""What a load found and did: problems pinned to file, record and field, and counts per model."""

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located so an editor can go straight to it."""

    file: str
    message: str
    index: int | None = None
    line: int | None = None
    column: int | None = None
    model: str | None = None
    key: tuple | None = None
    field: str | None = None

    def __str__(self):
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        parts = [where]
        if self.index is not None:
            record = f"record {self.index}"
            if self.model:
                record += f" {self.model}"
            if self.key is not None:
                record += " " + format_key(self.key)
            parts.append(record)
        if self.field:
            parts.append(f"field '{self.field}'")
        parts.append(self.message)
        return ": ".join(parts)

    @property
    def sort_key(self):
        return (self.file, self.index or 0, self.field or "", self.message)


def format_key(key):
    """A natural key as an editor writes it in a file: ["action-slug", 1]."""
    return json.dumps(list(key), ensure_ascii=False, default=str)


@dataclass
class ModelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self):
        return self.created + self.updated + self.unchanged


@dataclass
class LoadReport:
    """Outcome of one load: per-model counts, and what the timeline sync changed afterwards."""

    files: list[str] = field(default_factory=list)
    records: int = 0
    counts: dict[str, ModelCounts] = field(default_factory=dict)
    dry_run: bool = False
    events_created: int = 0
    events_updated: int = 0
    events_deleted: int = 0
    clemency_changed: list[str] = field(default_factory=list)

    def count(self, label, outcome):
        counts = self.counts.setdefault(label, ModelCounts())
        setattr(counts, outcome, getattr(counts, outcome) + 1)

    @property
    def totals(self):
        totals = ModelCounts()
        for counts in self.counts.values():
            totals.created += counts.created
            totals.updated += counts.updated
            totals.unchanged += counts.unchanged
        return totals

    def lines(self):
        """Human-readable summary, one line per model that the load touched."""
        verb = "would be" if self.dry_run else "were"
        outcome = "dry run, nothing written" if self.dry_run else "written"
        lines = [f"{self.records} record(s) in {len(self.files)} file(s); {outcome}."]
        width = max((len(label) for label in self.counts), default=0)
        for label, counts in self.counts.items():
            lines.append(
                f"  {label:<{width}}  {counts.created:>5} created  {counts.updated:>5} updated  "
                f"{counts.unchanged:>5} unchanged"
            )
        totals = self.totals
        lines.append(
            f"Records that {verb} created: {totals.created}, updated: {totals.updated}, unchanged: {totals.unchanged}."
        )
        lines.append(
            f"Timeline sync: {self.events_created} event(s) created, {self.events_updated} updated, "
            f"{self.events_deleted} deleted; clemency status changed for "
            + (", ".join(self.clemency_changed) if self.clemency_changed else "none")
            + "."
        )
        return lines


class LoadFailed(Exception):
    """The input has problems; nothing was written. ``problems`` lists every one found."""

    def __init__(self, problems, report=None):
        self.problems = sorted(problems, key=lambda problem: problem.sort_key)
        self.report = report
        super().__init__(f"{len(self.problems)} problem(s) found; nothing was written.")

    def lines(self):
        return [str(problem) for problem in self.problems]
