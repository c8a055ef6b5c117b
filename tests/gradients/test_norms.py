"""rnnviz.gradients.norms: the Euclidean norm without overflow, inf and NaN kept."""

import numpy as np
import pytest

from rnnviz.gradients.norms import overflow_safe_norm


def test_matches_numpy_where_numpy_does_not_overflow():
    v = np.random.default_rng(0).standard_normal((3, 4, 5))
    assert overflow_safe_norm(v) == pytest.approx(np.linalg.norm(v), rel=1e-14)
    np.testing.assert_allclose(overflow_safe_norm(v, axis=2), np.linalg.norm(v, axis=2), rtol=1e-14)
    np.testing.assert_allclose(overflow_safe_norm(v, axis=0), np.linalg.norm(v, axis=0), rtol=1e-14)


def test_huge_and_tiny_gradients_keep_their_true_norm():
    with np.errstate(over="ignore"):
        assert np.linalg.norm(np.array([3e200, 4e200])) == np.inf  # the naive way
    assert overflow_safe_norm(np.array([3e200, 4e200])) == pytest.approx(5e200)
    assert overflow_safe_norm(np.array([3e-200, 4e-200])) == pytest.approx(5e-200)
    assert overflow_safe_norm(np.float32([3e30, 4e30])) == pytest.approx(5e30, rel=1e-6)


def test_inf_and_nan_are_reported_as_they_are():
    rows = np.array([[1.0, np.inf], [np.nan, 1.0], [0.0, 0.0], [-np.inf, np.nan]])
    norms = overflow_safe_norm(rows, axis=1)
    assert norms[0] == np.inf and np.isnan(norms[1]) and norms[2] == 0.0
    assert np.isnan(norms[3]) or norms[3] == np.inf
    assert norms.dtype == np.float64
    assert overflow_safe_norm(np.float32([[1, 2]]), axis=1).dtype == np.float32
