"""Random primes for the modular engines, and the counting facts their error bounds use.

A prime is drawn uniformly from the primes in [2^(b−1), 2^b) by rejection: uniform random integers of the
range until one is prime (``sympy.isprime`` is deterministic below 2^64). Failure bounds then need a lower bound
on how many primes the range holds, from Rosser & Schoenfeld (1962): x/ln x < π(x) for x ≥ 17 and
π(x) < 1.25506·x/ln x for x > 1.
"""
from __future__ import annotations

import math

import numpy as np

PRIME_BITS = 62  # primes in [2^61, 2^62): residues fit int64 and sums of two do too


def primes_in_range_lower_bound(bits: int = PRIME_BITS) -> int:
    """A lower bound on the number of primes in [2^(bits−1), 2^bits) (Rosser–Schoenfeld)."""
    hi, lo = 2.0 ** bits, 2.0 ** (bits - 1)
    count = hi / math.log(hi) - 1.25506 * lo / math.log(lo)
    return max(0, int(count * (1 - 1e-12)))


def random_prime(rng: np.random.Generator, bits: int = PRIME_BITS, avoid=()) -> int:
    """A prime drawn uniformly from [2^(bits−1), 2^bits), not dividing any integer in ``avoid``."""
    import sympy as sp

    lo = 1 << (bits - 1)
    while True:
        cand = lo + int(rng.integers(0, lo, dtype=np.uint64)) if bits <= 63 else lo + int(rng.integers(0, lo))
        if sp.isprime(cand) and all(a % cand for a in avoid):
            return cand


def large_prime_divisors_bound(log2_height: float, bits: int = PRIME_BITS) -> float:
    """How many primes ≥ 2^(bits−1) can divide a nonzero integer of absolute value ≤ 2^log2_height."""
    if log2_height == -math.inf:
        return 0.0
    if not math.isfinite(log2_height):
        return math.inf
    return math.floor(max(0.0, log2_height) / (bits - 1))
