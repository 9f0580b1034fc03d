"""How big each population is for N actions, and the skewed draws that make the data look real.

Real enforcement data is lopsided: a handful of authorities bring most actions, a few repeat
offenders (large banks, exchanges) appear in thousands of them, and penalties run from a few
thousand dollars to billions. The plan sizes every population in proportion to N and the samplers
reproduce that skew deterministically from one seeded ``random.Random``.
"""

import bisect
import itertools
from dataclasses import dataclass


def _clamp(value, low, high):
    return max(low, min(high, value))


@dataclass(frozen=True)
class Plan:
    """Population sizes for ``actions`` enforcement actions (every figure grows linearly or slower)."""

    actions: int
    seed: int = 1

    @property
    def authorities(self):
        return _clamp(self.actions // 2500, 12, 400)

    @property
    def courts(self):
        return _clamp(self.actions // 2000, 6, 500)

    @property
    def judges(self):
        return _clamp(self.actions // 400, 10, 5000)

    @property
    def parent_companies(self):
        return max(20, self.actions // 12)

    @property
    def people(self):
        return max(20, self.actions // 5)

    @property
    def news_sources(self):
        return max(20, self.actions // 20)

    @property
    def repeat_offenders(self):
        """Size of the pool the repeat offenders are drawn from (Zipf over it)."""
        return max(10, self.actions // 200)

    # Share of party draws that go to the repeat-offender pool rather than the long tail.
    repeat_share = 0.3
    # Zipf exponents: authorities are more concentrated than defendants.
    authority_exponent = 1.3
    offender_exponent = 1.05


class ZipfSampler:
    """Draw ranks 0..n-1 with probability proportional to 1 / (rank + 1) ** exponent."""

    def __init__(self, n, exponent):
        self.n = n
        self.cumulative = list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(n)))
        self.total = self.cumulative[-1]

    def draw(self, rng):
        return bisect.bisect_left(self.cumulative, rng.random() * self.total)


class WeightedChoice:
    """A fixed weighted choice, precomputed once: draws cost one random() and one bisect."""

    def __init__(self, choices):
        self.values = [value for value, _ in choices]
        self.cumulative = list(itertools.accumulate(weight for _, weight in choices))
        self.total = self.cumulative[-1]

    def draw(self, rng):
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]
