"""Residual bootstrap on SYNTHETIC residuals: deterministic, calibrated, order-free."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from deepseek_monday.eventstudy.bootstrap import residual_bootstrap


def synthetic_inputs(n_pairs: int = 6, n_days: int = 240, seed: int = 1):
    rng = np.random.default_rng(seed)
    residuals = rng.standard_normal((n_pairs, n_days)) * 0.02
    mask = np.ones_like(residuals, dtype=bool)
    mask[0, :30] = False  # one firm with fewer residuals
    df = mask.sum(axis=1) - 2
    lengths = [1, 3]
    sigma2 = (np.where(mask, residuals, 0) ** 2).sum(axis=1) / df
    car_variance = sigma2[:, None] * np.array(lengths)[None, :] * 1.01
    car = rng.standard_normal((n_pairs, 2)) * np.sqrt(car_variance)
    membership = sparse.csr_matrix(np.ones((1, n_pairs)))
    return residuals, mask, df, car, car_variance, lengths, membership


def run(inputs, n_boot: int = 999, seed: int = 5):
    return residual_bootstrap(*inputs, n_boot=n_boot, seed=seed)


def test_seeded_bootstrap_is_deterministic():
    inputs = synthetic_inputs()
    first, second = run(inputs), run(inputs)
    np.testing.assert_array_equal(first[0].lower, second[0].lower)
    np.testing.assert_array_equal(first[1].upper, second[1].upper)
    other_seed = run(inputs, seed=6)
    assert not np.array_equal(first[0].lower, other_seed[0].lower)


def test_firm_interval_does_not_depend_on_other_firms():
    inputs = synthetic_inputs()
    alone = tuple(a[:1] if isinstance(a, np.ndarray) else a for a in inputs[:5])
    alone = (*alone, inputs[5], sparse.csr_matrix(np.ones((1, 1))))
    np.testing.assert_allclose(run(alone)[0].lower, run(inputs)[0].lower[:1])


def test_interval_width_matches_the_analytic_variance():
    firm, _ = run(synthetic_inputs(n_pairs=40))
    inputs = synthetic_inputs(n_pairs=40)
    car, car_variance = inputs[3], inputs[4]
    width = firm.upper - firm.lower
    # Normal residuals: the 95 % interval is about 2 x 1.96 standard errors wide.
    ratio = width / (2 * 1.96 * np.sqrt(car_variance))
    assert np.median(ratio) == pytest.approx(1.0, abs=0.08)
    assert ((firm.lower < car) & (car < firm.upper)).all()


def test_p_value_agrees_with_interval():
    inputs = synthetic_inputs(n_pairs=60, seed=2)
    inputs = (*inputs[:3], inputs[3] * 2.5, *inputs[4:])  # some CARs far from zero
    firm, _ = run(inputs)
    excludes_zero = (firm.lower > 0) | (firm.upper < 0)
    assert excludes_zero.any()
    assert (firm.p_value[excludes_zero] <= 0.05).all()


def test_cell_interval_is_for_the_mean():
    inputs = synthetic_inputs(n_pairs=30, seed=3)
    _, cell = run(inputs)
    caar = inputs[3].mean(axis=0)
    assert ((cell.lower[0] < caar) & (caar < cell.upper[0])).all()
    # Independent firms: the CAAR interval is about 1/sqrt(N) as wide as a firm's.
    firm_width = 2 * 1.96 * np.sqrt(inputs[4].mean(axis=0))
    ratio = (cell.upper[0] - cell.lower[0]) / (firm_width / np.sqrt(30))
    np.testing.assert_allclose(ratio, 1.0, atol=0.15)


def test_zero_draws_disable_the_bootstrap():
    firm, cell = run(synthetic_inputs(), n_boot=0)
    assert np.isnan(firm.lower).all() and np.isnan(cell.p_value).all()
