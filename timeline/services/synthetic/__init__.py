"""Synthetic enforcement data at scale, for benchmarks and load tests.

``synthetic_generate(actions=N, seed=S)`` writes a deterministic, constraint-respecting dataset of
N enforcement actions with their entities, cases, charges, settlements, sentences, clemency,
sources and mirrored timeline events. Every slug and key starts with ``syn-`` so synthetic rows can
be told apart from curated ones. See ``generate.py`` for the transaction and loading strategy.
"""

from timeline.services.synthetic.generate import (
    SYNTHETIC_PREFIX,
    SyntheticDataError,
    SyntheticReport,
    database_contents,
    synthetic_generate,
)
from timeline.services.synthetic.plan import Plan

__all__ = [
    "SYNTHETIC_PREFIX",
    "Plan",
    "SyntheticDataError",
    "SyntheticReport",
    "database_contents",
    "synthetic_generate",
]
