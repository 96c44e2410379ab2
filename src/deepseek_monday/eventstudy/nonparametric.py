"""Nonparametric tests: Corrado (1989) rank test, Cowan (1992) generalized sign test,
Kolari & Pynnonen (2011) generalized rank test GRANK and the Wilcoxon (1945) signed-rank test.

All are two-sided. Corrado and sign use the standard normal approximation, GRANK a t(T - 2)
distribution, Wilcoxon its exact distribution for N <= 50 (normal beyond).
"""

from __future__ import annotations

import numpy as np

from deepseek_monday.eventstudy.parametric import StatResult, p_two_sided_normal

MIN_FIRMS = {"corrado": 1, "sign": 2, "grank": 2, "wilcoxon": 6}


def rank_deviations(ar: np.ndarray, ranking_days: np.ndarray) -> np.ndarray:
    """Standardised rank deviations K_it = rank_it / (1 + M_i) - 1/2 (Corrado-Zivney 1992).

    Each row of ``ar`` (pairs x days) is ranked over its days where ``ranking_days`` is
    True and the AR is finite (M_i such days; ties get average ranks). Other days are NaN.
    """
    use = ranking_days & np.isfinite(ar)
    # Days outside the ranking set go to +inf: ranked above every real AR, then discarded.
    values = np.where(use, ar, np.inf)
    order = np.argsort(values, axis=-1)  # not stable: tied rows are ranked again below
    ranks = np.empty(values.shape)
    np.put_along_axis(ranks, order, np.arange(1.0, values.shape[-1] + 1.0), axis=-1)
    ordered = np.sort(values, axis=-1)
    tied = ((ordered[..., 1:] == ordered[..., :-1]) & np.isfinite(ordered[..., 1:])).any(axis=-1)
    if tied.any():  # average ranks for ties, only in the rows that have them
        from scipy.stats import rankdata  # here: scipy.stats takes about a second to import

        ranks[tied] = rankdata(values[tied], axis=-1)
    m = use.sum(axis=-1, keepdims=True)
    ranks /= 1.0 + m  # K = rank / (1 + M) - 1/2, in place
    ranks -= 0.5
    ranks[~use] = np.nan
    return ranks


def count_below(sorted_rows: np.ndarray, n_valid: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Row-wise ``searchsorted``: #{k < n_valid[p] : sorted_rows[p, k] < values[p, j]}.

    ``sorted_rows`` (P, L) is ascending over its first ``n_valid`` entries per row;
    ``values`` (P, E). A vectorised binary search (log2 L steps over (P, E) only).
    """
    n_rows, length = sorted_rows.shape
    flat = sorted_rows.ravel()
    row_start = (np.arange(n_rows) * length)[:, None]
    below = np.zeros(values.shape, dtype=np.int64)
    step = 1 << max(int(length).bit_length() - 1, 0)
    limit = n_valid[:, None]
    while step:
        candidate = below + step
        inside = candidate <= limit
        probe = flat[row_start + np.minimum(candidate, length) - 1]
        below = np.where(inside & (probe < values), candidate, below)
        step >>= 1
    return below


def ranks_with_extra_days(base: np.ndarray, extra: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average ranks of each row's ``base`` (P, L) and ``extra`` (P, E) values ranked together.

    NaN values are not ranked (NaN rank). The base days are sorted once; each extra value
    is placed by binary search, and a base value moves up by the number of extra values
    below it, so adding a short window costs O(P (L + E log L)), not a new sort. Rows
    with a tie between an extra value and any other value are ranked again from scratch.
    """
    valid = np.isfinite(base)
    n_valid = valid.sum(axis=1)
    base_ranks = (rank_deviations(base, valid) + 0.5) * (1.0 + n_valid[:, None])
    sorted_rows, position = sort_rows(base)
    return ranks_with_extra_sorted(base, base_ranks, sorted_rows, position, n_valid, extra)


def sort_rows(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row sorted ascending (NaN last) and every entry's position in its sorted row."""
    n_rows, length = values.shape
    order = np.argsort(np.where(np.isfinite(values), values, np.inf), axis=1)
    flat_order = (order + (np.arange(n_rows) * length)[:, None]).ravel()
    position = np.empty(n_rows * length, dtype=np.int64)
    position[flat_order] = np.tile(np.arange(length), n_rows)
    # Flat takes: faster than take_along_axis for these shapes.
    return values.ravel().take(flat_order).reshape(n_rows, length), position.reshape(n_rows, length)


def ranks_with_extra_sorted(base: np.ndarray, base_ranks: np.ndarray, sorted_rows: np.ndarray,
                            position: np.ndarray, n_valid: np.ndarray,
                            extra: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`ranks_with_extra_days` with the base days' ranks and :func:`sort_rows` given."""
    n_rows, length = base.shape
    present = np.isfinite(extra)
    below = count_below(sorted_rows, n_valid, extra)
    # Ties: an extra value equal to the next base value, or to another extra value.
    nxt = np.take_along_axis(sorted_rows, np.minimum(below, length - 1), axis=1) if length else extra
    tied = (present & (below < n_valid[:, None]) & (nxt == extra)).any(axis=1)
    within = (extra[:, None, :] < extra[:, :, None]).sum(axis=-1) + 1.0  # rank among the extra days
    equal_extra = ((extra[:, None, :] == extra[:, :, None]).sum(axis=-1) > 1).any(axis=1)
    tied |= equal_extra
    new_extra = np.where(present, below + within, np.nan)
    # Shift of the k-th smallest base value: extra values with below <= k.
    counts = np.bincount((np.arange(n_rows)[:, None] * (length + 1) + below)[present],
                         minlength=n_rows * (length + 1)).reshape(n_rows, length + 1)
    shift_sorted = np.cumsum(counts[:, :length], axis=1)
    flat_position = position + (np.arange(n_rows) * length)[:, None]
    new_base = base_ranks + shift_sorted.ravel().take(flat_position)
    if tied.any():  # average ranks from scratch, only in these rows
        both = np.concatenate([base[tied], extra[tied]], axis=1)
        use = np.isfinite(both)
        ranks = (rank_deviations(both, use) + 0.5) * (1.0 + use.sum(axis=1, keepdims=True))
        new_base[tied], new_extra[tied] = ranks[:, :length], ranks[:, length:]
    return new_base, new_extra


def corrado_rank_test(mean_deviation: np.ndarray, window_days: np.ndarray) -> StatResult:
    """Corrado rank statistic for a window from the daily mean rank deviations.

    ``mean_deviation`` (..., days) is the cross-sectional mean of K_it on each day of the
    ranking period (NaN on days outside it). With S = sqrt(mean_t Kbar_t^2) over the
    ranking period, Z = sum_{t in window} Kbar_t / (sqrt(L) S), L the window days with a
    value (Campbell & Wasley 1993 for multi-day windows). ``n`` is the number of window days.
    """
    kbar = np.asarray(mean_deviation, dtype=float)
    finite = np.isfinite(kbar)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sqrt(np.nansum(kbar**2, axis=-1) / finite.sum(axis=-1))
        in_window = kbar[..., window_days]
        length = np.isfinite(in_window).sum(axis=-1)
        statistic = np.nansum(in_window, axis=-1) / (np.sqrt(length) * s)
    statistic = np.where((length > 0) & (s > 0), statistic, np.nan)
    return StatResult(statistic, p_two_sided_normal(statistic), length)


def positive_share(ar: np.ndarray, estimation_mask: np.ndarray) -> np.ndarray:
    """Share of a pair's valid estimation-window abnormal returns that are positive."""
    n = estimation_mask.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        positive = np.count_nonzero(estimation_mask & (ar > 0), axis=-1)
        return np.where(n > 0, positive / n, np.nan)


def generalized_sign_test(car: np.ndarray, p_hat: np.ndarray) -> StatResult:
    """Cowan (1992): Z = (w - N p) / sqrt(N p (1 - p)), standard normal; needs N >= 2.

    ``w`` is the number of firms with a positive CAR, ``p`` the mean over firms of the
    share of positive estimation-window abnormal returns (``p_hat``, one per firm).
    """
    car = np.asarray(car, dtype=float)
    p_hat = np.broadcast_to(np.asarray(p_hat, dtype=float), car.shape)
    valid = np.isfinite(car) & np.isfinite(p_hat)
    n = valid.sum(axis=-1)
    wins = (valid & (np.where(valid, car, 0.0) > 0)).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(valid, p_hat, 0.0).sum(axis=-1) / n
        statistic = (wins - n * p) / np.sqrt(n * p * (1.0 - p))
    statistic = np.where((n >= MIN_FIRMS["sign"]) & (p > 0) & (p < 1), statistic, np.nan)
    return StatResult(statistic, p_two_sided_normal(statistic), n)


# --------------------------------------------------------------------------- GRANK


def grank_test(gsar: np.ndarray) -> StatResult:
    """Generalized rank test GRANK of Kolari & Pynnonen (2011), one cross-section.

    ``gsar`` is (firms, T): each firm's standardised abnormal returns on the T - 1
    estimation days (SAR_it = AR_it / s_i) and, in the LAST column, its re-standardised
    cumulative abnormal return over the event window, SCAR*_i = SCAR_i / S_SCAR (S_SCAR the
    cross-sectional sd of the SCARs), so a multi-day window counts as one day. NaN: missing.
    Each firm's GSARs are ranked over its valid days, U_it = rank_it / (T_i + 1) - 1/2; with
    U_t the mean over the N_t firms on day t and N the firms with an event value,

        S_U^2 = 1/T sum_t (N_t / N) U_t^2,   Z = U_0 / S_U,
        t_grank = Z sqrt((T - 2) / (T - 1 - Z^2)) ~ t(T - 2).

    This is the readable reference; the engine uses :func:`grank_by_cell` (same numbers).
    """
    gsar = np.asarray(gsar, dtype=float)
    if gsar.ndim != 2 or gsar.shape[1] < 3:
        raise ValueError("gsar: expected (firms, T) with T >= 3 (estimation days + event)")
    firms = np.isfinite(gsar[:, -1])
    gsar = gsar[firms]
    u = rank_deviations(gsar, np.ones(gsar.shape, dtype=bool))  # rank/(T_i + 1) - 1/2
    n_t = np.isfinite(u).sum(axis=0)
    n = int(firms.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        u_bar = np.nansum(u, axis=0) / n_t
        days = n_t > 0
        t_days = int(days.sum())
        s_u = np.sqrt(np.sum((n_t[days] / n) * u_bar[days] ** 2) / t_days)
    return _grank_statistic(np.asarray(u_bar[-1]), np.asarray(s_u), np.asarray(t_days), np.asarray(n))


def _grank_statistic(u_event: np.ndarray, s_u: np.ndarray, t_days: np.ndarray, n: np.ndarray) -> StatResult:
    """t_grank = Z sqrt((T - 2) / (T - 1 - Z^2)) with Z = U_0 / S_U, t(T - 2); needs N >= 2."""
    from deepseek_monday.eventstudy.parametric import p_two_sided_t

    t_days = np.asarray(t_days, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = u_event / s_u
        statistic = z * np.sqrt((t_days - 2.0) / (t_days - 1.0 - z**2))
    statistic = np.where((n >= MIN_FIRMS["grank"]) & (s_u > 0) & (t_days > 3), statistic, np.nan)
    return StatResult(statistic, p_two_sided_t(statistic, t_days - 2.0), np.asarray(n))


def grank_by_cell(sar: np.ndarray, scar: np.ndarray, cell: np.ndarray, pair: np.ndarray,
                  n_cells: int) -> StatResult:
    """GRANK (:func:`grank_test`) for many cells and windows at once.

    ``sar`` (P, L): each pair's estimation-window SARs (NaN where not valid); ``scar``
    (P, W): its SCAR per window; ``cell``/``pair``: the membership rows (sorted by cell).
    Each membership row's SCAR is re-standardised by its cell's cross-sectional sd, then
    ranked against the pair's own estimation SARs: no re-sort per cell, since a SCAR*
    moves every estimation day above it up by one rank. Returns (cells, W) arrays.
    """
    from scipy import sparse

    n_pairs = sar.shape[0]
    n_windows = scar.shape[1]
    valid = np.isfinite(sar)
    m = valid.sum(axis=1)  # estimation days per pair; T_i = m_i + 1 ranked days
    scale = 1.0 / (m + 2.0)  # 1 / (T_i + 1)
    # U of each estimation day before the event value is placed: rank / (T_i + 1) - 1/2.
    base_u = np.where(valid, (rank_deviations(sar, valid) + 0.5) * (1.0 + m[:, None]) * scale[:, None] - 0.5, 0.0)
    rows = np.arange(len(cell))
    by_pair = sparse.csr_matrix((np.ones(len(cell)), (cell, pair)), shape=(n_cells, n_pairs))
    by_row = sparse.csr_matrix((np.ones(len(cell)), (cell, rows)), shape=(n_cells, len(cell)))
    sar_m, m_m, scale_m = sar[pair], m[pair], scale[pair]
    shape = (n_cells, n_windows)
    statistic, p_value, n_out = np.full(shape, np.nan), np.full(shape, np.nan), np.zeros(shape, dtype=int)
    all_firms: tuple[np.ndarray, np.ndarray] | None = None
    for j in range(n_windows):
        has_pair = np.isfinite(scar[:, j]) & (m > 0)
        value = np.where(has_pair, scar[:, j], 0.0)[pair]
        has = has_pair[pair]
        n = np.bincount(cell, weights=has, minlength=n_cells)
        total = np.bincount(cell, weights=value, minlength=n_cells)
        with np.errstate(invalid="ignore", divide="ignore"):
            sd = np.sqrt((np.bincount(cell, weights=value**2, minlength=n_cells) - total**2 / n) / (n - 1))
            star = np.where(has, value / sd[cell], np.nan)  # SCAR*, NaN: not ranked
        above = sar_m > star[:, None]  # estimation days ranked above the event value
        n_above = above.sum(axis=1)
        equal = sar_m == star[:, None]
        n_equal = equal.sum(axis=1) if equal.any() else np.zeros(len(cell), dtype=np.int64)
        below = m_m - n_above - 0.5 * n_equal
        u_event = np.where(has, (below + 1.0) * scale_m - 0.5, 0.0)
        by_row.data = np.where(has, scale_m, 0.0)  # rows are sorted by cell: data in row order
        shifted = by_row @ (above + 0.5 * equal if n_equal.any() else above.astype(float))
        if has_pair.all():  # the usual case: the same firms in every window
            if all_firms is None:
                all_firms = (by_pair @ valid.astype(float), by_pair @ base_u)
            n_t, base_sum = all_firms
        else:
            n_t = by_pair @ (valid & has_pair[:, None]).astype(float)
            base_sum = by_pair @ (base_u * has_pair[:, None])
        with np.errstate(invalid="ignore", divide="ignore"):
            u_bar = (base_sum + shifted) / n_t
            u0 = np.bincount(cell, weights=u_event, minlength=n_cells) / n
            days = n_t > 0
            t_days = days.sum(axis=1) + 1.0
            weighted = (np.where(days, n_t * np.where(days, u_bar, 0.0) ** 2, 0.0).sum(axis=1) / n)
            s_u = np.sqrt((weighted + u0**2) / t_days)
        result = _grank_statistic(np.where(np.isfinite(sd), u0, np.nan), s_u, t_days, n.astype(int))
        statistic[:, j], p_value[:, j], n_out[:, j] = result
    return StatResult(statistic, p_value, n_out)


# --------------------------------------------------------------------------- Wilcoxon

# Largest N for which the exact null distribution of the signed-rank statistic is used.
WILCOXON_EXACT_MAX = 50


def _signed_rank_cdf(n: int) -> np.ndarray:
    """P(W+ <= w), w = 0..n(n+1)/2, under the null (every sign equally likely)."""
    counts = np.zeros(n * (n + 1) // 2 + 1)
    counts[0] = 1.0
    for k in range(1, n + 1):  # subsets of {1..k}: add k or not
        counts[k:] = counts[k:] + counts[:-k].copy()
    return np.cumsum(counts) / 2.0**n


def wilcoxon_signed_rank(values: np.ndarray) -> StatResult:
    """Wilcoxon (1945) signed-rank test that the CARs are centred on zero, across firms.

    Along the last axis (NaN ignored, zeros dropped as scipy's default ``"wilcox"``):
    W+ = sum of the ranks of |x_i| over the positive x_i. The statistic reported is
    Z = (W+ - n(n+1)/4) / sqrt(n(n+1)(2n+1)/24 - tie term). The p-value is exact for
    n <= 50 without ties (2 min(P(W+ <= w), P(W+ >= w)), capped at 1), else normal (no
    continuity correction), as ``scipy.stats.wilcoxon``. Firms are assumed independent.
    """
    x = np.asarray(values, dtype=float)
    use = np.isfinite(x) & (x != 0)
    magnitude = np.where(use, np.abs(x), np.inf)
    ranks = np.empty(x.shape)
    np.put_along_axis(ranks, np.argsort(magnitude, axis=-1), np.arange(1.0, x.shape[-1] + 1.0), axis=-1)
    ordered = np.sort(magnitude, axis=-1)
    equal = (ordered[..., 1:] == ordered[..., :-1]) & np.isfinite(ordered[..., 1:])
    tied = equal.any(axis=-1)
    tie_term = np.zeros(x.shape[:-1])
    if tied.any():
        from scipy.stats import rankdata

        ranks[tied] = rankdata(magnitude[tied], axis=-1)
        rows = ordered[tied]  # sum over tie groups of (t^3 - t) / 48, all tied rows at once
        starts = np.ones(rows.shape, dtype=bool)
        starts[:, 1:] = rows[:, 1:] != rows[:, :-1]
        group = np.cumsum(starts.ravel()) - 1
        sizes = np.bincount(group, weights=np.isfinite(rows).ravel())
        row_of_group = np.repeat(np.arange(len(rows)), starts.sum(axis=1))
        tie_term[tied] = np.bincount(row_of_group, weights=(sizes**3 - sizes) / 48.0, minlength=len(rows))
    n = use.sum(axis=-1)
    w_plus = np.where(use & (x > 0), ranks, 0.0).sum(axis=-1)
    mean = n * (n + 1) / 4.0
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(n * (n + 1) * (2 * n + 1) / 24.0 - tie_term)
        statistic = (w_plus - mean) / sd
    p_value = p_two_sided_normal(statistic)
    exact = (n >= 1) & (n <= WILCOXON_EXACT_MAX) & ~tied
    for size in np.unique(n[exact]):
        cdf = _signed_rank_cdf(int(size))
        where = exact & (n == size)
        w = w_plus[where].astype(int)
        upper = 1.0 - np.where(w > 0, cdf[np.maximum(w - 1, 0)], 0.0)  # P(W+ >= w)
        p_value[where] = np.minimum(1.0, 2.0 * np.minimum(cdf[w], upper))
    ok = n >= MIN_FIRMS["wilcoxon"]
    return StatResult(np.where(ok, statistic, np.nan), np.where(ok, p_value, np.nan), n)
