"""Random monthly counts for the demo seeds (`demo.seed` and `demo.region` share them)."""

from __future__ import annotations

import math
import random


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson-distributed count with mean `lam`, drawn from `rng` (so a seeded generator repeats itself)."""
    if lam > 30:  # normal approximation keeps this fast for large means
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
