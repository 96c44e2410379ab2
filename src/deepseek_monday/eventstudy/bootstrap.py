"""Seeded residual bootstrap: confidence intervals for each firm's CAR and each group's CAAR.

Under the model, the sampling error of a CAR over L days is a sum of L prediction errors.
Its distribution is approximated by sums of L estimation-window residuals drawn with
replacement. Each firm's residuals are centred and rescaled so that the bootstrap
variance of the sum equals the analytic Var(CAR) (which includes parameter uncertainty);
the shape (fat tails, skew) stays the firm's own.

The same uniform draws pick the days for every firm: with complete estimation windows
the firms of a group are resampled on the same dates, so the CAAR interval keeps the
cross-correlation of firms that share an event date (as Kolari-Pynnonen do; unlike BMP it
does not allow for event-induced variance). A firm with missing residuals draws from its
valid residuals at the same relative position in time.

Intervals are equal-tailed, ``[est - q_(1+level)/2, est - q_(1-level)/2]`` with q the
quantiles of the bootstrap error, and the two-sided p-value is
``2 min(P*(err >= est), P*(err <= est))`` with the (1 + count) / (1 + B) convention.
The draws come from ``numpy.random.default_rng`` seeded with ``seed``: deterministic.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

# Largest (pairs x draws x days) block held in memory at once.
_BLOCK_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class BootstrapIntervals:
    """Lower bound, upper bound and two-sided p-value, each (rows, windows)."""

    lower: np.ndarray
    upper: np.ndarray
    p_value: np.ndarray


def seed_for(seed: int, *keys: object) -> np.random.SeedSequence:
    """Return a SeedSequence from ``seed`` and stable hashes (CRC-32) of ``keys``."""
    return np.random.SeedSequence([seed, *(zlib.crc32(str(key).encode()) for key in keys)])


def _order_statistics(n_boot: int, level: float) -> tuple[int, int]:
    """0-based order statistics of the (1-level)/2 and (1+level)/2 quantiles of B draws."""
    alpha = (1.0 - level) / 2.0
    low = int(np.clip(np.floor(alpha * (n_boot + 1)) - 1, 0, n_boot - 1))
    high = int(np.clip(np.ceil((1.0 - alpha) * (n_boot + 1)) - 1, 0, n_boot - 1))
    return low, high


def _intervals(estimate: np.ndarray, errors: np.ndarray, scale: np.ndarray | float,
               level: float, window_errors: np.ndarray | None = None) -> BootstrapIntervals:
    """Intervals and p-values for ``estimate`` (rows, W) from bootstrap errors.

    The errors of row r and window w are ``scale[r, w] * errors[r, window_errors[w], :]``
    (``scale`` > 0; ``window_errors`` lets windows of equal length share their draws).
    The quantiles are order statistics: with B = 999 and level 0.95, the 25th and 975th
    smallest. Ties between an estimate and a continuous draw have probability zero.
    """
    n_boot = errors.shape[-1]
    if window_errors is None:
        window_errors = np.arange(errors.shape[1])
    low, high = _order_statistics(n_boot, level)
    ordered = np.sort(errors, axis=-1)  # faster than partitioning around two order statistics
    q_low = ordered[:, window_errors, low] * scale
    q_high = ordered[:, window_errors, high] * scale
    with np.errstate(invalid="ignore", divide="ignore"):
        threshold = (estimate / scale).astype(errors.dtype)
    count_ge = _count_at_least(ordered, window_errors, threshold)
    p = np.minimum(1.0, 2.0 * (np.minimum(count_ge, n_boot - count_ge) + 1) / (n_boot + 1))
    valid = np.isfinite(estimate) & np.isfinite(q_low) & np.isfinite(q_high)
    return BootstrapIntervals(np.where(valid, estimate - q_high, np.nan),
                              np.where(valid, estimate - q_low, np.nan),
                              np.where(valid, p, np.nan))


def _count_at_least(ordered: np.ndarray, window_errors: np.ndarray,
                    threshold: np.ndarray) -> np.ndarray:
    """How many of ``ordered[r, window_errors[w], :]`` (sorted, NaN last) are >= ``threshold[r, w]``.

    Binary searches, vectorised over (r, w): log2(B) small gathers instead of a pass over
    every draw.
    """
    rows = np.arange(ordered.shape[0])[:, None]
    n_boot = ordered.shape[-1]

    def prefix_length(holds: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """Length of the prefix of each searched row where ``holds(value)`` is True."""
        lo, hi = np.zeros(threshold.shape, dtype=np.intp), np.full(threshold.shape, n_boot)
        for _ in range(int(n_boot).bit_length()):
            mid = (lo + hi) // 2
            value = ordered[rows, window_errors, np.minimum(mid, n_boot - 1)]
            true = holds(value) & (lo < hi)
            lo, hi = np.where(true, mid + 1, lo), np.where(true | (lo >= hi), hi, mid)
        return lo

    with np.errstate(invalid="ignore"):
        below = prefix_length(lambda value: value < threshold)
    not_nan = prefix_length(lambda value: ~np.isnan(value))
    return np.where(np.isnan(threshold), 0, not_nan - below)


def residual_bootstrap(
    residuals: np.ndarray,
    mask: np.ndarray,
    df: np.ndarray,
    car: np.ndarray,
    car_variance: np.ndarray,
    lengths: Sequence[int],
    membership: sparse.spmatrix,
    n_boot: int,
    seed: int,
    level: float = 0.95,
) -> tuple[BootstrapIntervals, BootstrapIntervals]:
    """Bootstrap intervals for every pair's CAR and every cell's CAAR, for each window.

    ``residuals``/``mask`` (P, D): estimation-window residuals and where they are valid;
    ``df`` (P,) their degrees of freedom; ``car``/``car_variance`` (P, W); ``lengths`` (W,)
    the days in each window; ``membership`` (cells x P, 0/1). A cell's CAAR is the mean
    CAR of its members with a CAR in that window. Returns (firm, cell) intervals.
    """
    n_pairs, n_windows = car.shape
    n_cells = membership.shape[0]
    valid_car = np.isfinite(car) & np.isfinite(car_variance)
    if n_boot < 1 or n_pairs == 0:
        empty = (np.full((n_pairs, n_windows), np.nan), np.full((n_cells, n_windows), np.nan))
        return (BootstrapIntervals(*(empty[0],) * 3), BootstrapIntervals(*(empty[1],) * 3))
    n = mask.sum(axis=1)
    lengths_array = np.asarray(lengths)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(mask, residuals, 0.0).sum(axis=1) / n
        scaled = np.where(mask, (residuals - mean[:, None]) * np.sqrt(n / df)[:, None], np.nan)
        daily_variance = np.nanmean(scaled**2, axis=1)
        # Scale each window's resampled sum so its variance is the analytic Var(CAR).
        ratio = np.sqrt(car_variance / (daily_variance[:, None] * lengths_array[None, :]))
    ratio = np.where(valid_car & (n[:, None] > 1), ratio, np.nan)
    # Single precision for the resampled sums: far below the Monte Carlo error, and the
    # resampling is memory-bound. Each firm's valid residuals come first.
    compact = np.take_along_axis(scaled, np.argsort(~mask, axis=1, kind="stable"),
                                 axis=1).astype(np.float32)
    unique_lengths, window_length = np.unique(lengths_array, return_inverse=True)
    uniforms = np.random.default_rng(seed_for(seed, "residual-bootstrap")).random(
        (int(unique_lengths.max()), n_boot))

    firm = BootstrapIntervals(*(np.full((n_pairs, n_windows), np.nan) for _ in range(3)))
    membership = sparse.csc_matrix(membership)
    cell_sums = np.zeros((n_cells, n_windows * n_boot))
    estimate = np.where(valid_car, car, np.nan)
    block = max(1, _BLOCK_ELEMENTS // (n_boot * uniforms.shape[0]))
    # Pairs with the same number of residuals share the drawn positions: group them.
    by_count = np.argsort(n, kind="stable")
    for count in np.unique(n):
        if count < 2:
            continue
        positions = (uniforms * count).astype(np.int64)
        members = by_count[n[by_count] == count]
        for start in range(0, members.size, block):  # bounded memory; not a loop per pair
            rows = members[start:start + block]
            sums = _running_sums(compact[rows], positions, unique_lengths)  # (pairs, lengths, B)
            part = _intervals(estimate[rows], sums, ratio[rows], level, window_length)
            firm.lower[rows], firm.upper[rows], firm.p_value[rows] = (
                part.lower, part.upper, part.p_value)
            # Each cell's sum of its firms' errors (sums scaled by ratio), one window at a time:
            # the membership columns are scaled instead of the (pairs, B) draws.
            weight = np.where(valid_car[rows], ratio[rows], 0.0)
            members_of = membership[:, rows]
            per_pair = np.diff(members_of.indptr)
            for w, length in enumerate(window_length):
                scaled = sparse.csc_matrix((members_of.data * np.repeat(weight[:, w], per_pair),
                                            members_of.indices, members_of.indptr), members_of.shape)
                cell_sums[:, w * n_boot:(w + 1) * n_boot] += scaled @ sums[:, length, :]
    counts = membership @ valid_car.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        cell_errors = cell_sums.reshape(n_cells, n_windows, n_boot) / counts[:, :, None]
        caar = (membership @ np.where(valid_car, car, 0.0)) / counts
    return firm, _intervals(caar, cell_errors, 1.0, level)


def _running_sums(residuals: np.ndarray, positions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Sums of the first L draws (pairs, distinct L, B) for each L in ``lengths`` (ascending).

    Day d draws ``residuals[:, positions[d]]`` (positions: days x B), one day at a time.
    """
    sums = np.empty((residuals.shape[0], lengths.size, positions.shape[1]), dtype=residuals.dtype)
    running = np.zeros((residuals.shape[0], positions.shape[1]), dtype=residuals.dtype)
    for day in range(int(lengths.max())):  # a handful of days, vectorised over pairs x draws
        running += residuals[:, positions[day]]
        sums[:, lengths == day + 1, :] = running[:, None, :]
    return sums
