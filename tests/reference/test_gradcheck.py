"""rnnviz.reference.gradcheck: the numerical gradients are right, and a wrong backward is caught."""

import numpy as np
import pytest

from rnnviz.reference import rnn_step_backward, rnn_step_forward
from rnnviz.reference.gradcheck import (
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    gradient_check,
    rel_error,
)


def test_rel_error_is_the_largest_elementwise_relative_difference():
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert rel_error(np.array([1.0, 3.0]), np.array([1.0, 1.0])) == pytest.approx(0.5)
    # Entries near zero are compared against 1e-8, not divided by ~0.
    assert rel_error(np.array([0.0]), np.array([1e-12])) == pytest.approx(1e-4)


def test_eval_numerical_gradient_of_a_quadratic_and_restores_x():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 4))
    x = rng.standard_normal(4)
    x_before = x.copy()
    grad = eval_numerical_gradient(lambda v: v @ A @ v, x, verbose=False)
    assert rel_error(grad, (A + A.T) @ x_before) < 1e-9
    np.testing.assert_array_equal(x, x_before)


def test_eval_numerical_gradient_verbose_prints_every_entry(capsys):
    eval_numerical_gradient(lambda v: float(np.sum(v**2)), np.array([1.0, 2.0]))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("(0,)")


def test_eval_numerical_gradient_array_is_the_vector_jacobian_product():
    rng = np.random.default_rng(1)
    x, W = rng.standard_normal((3, 4)), rng.standard_normal((4, 5))
    df = rng.standard_normal((3, 5))
    grad = eval_numerical_gradient_array(lambda v: np.tanh(v @ W), x, df)
    analytic = (df * (1 - np.tanh(x @ W) ** 2)) @ W.T
    assert rel_error(grad, analytic) < 1e-8


def test_gradient_check_passes_a_correct_backward_and_catches_a_wrong_one():
    rng = np.random.default_rng(2)
    inputs = {
        "x": rng.standard_normal((3, 4)),
        "h": rng.standard_normal((3, 5)),
        "Wx": rng.standard_normal((4, 5)) / 2,
        "Wh": rng.standard_normal((5, 5)) / 2,
        "b": rng.standard_normal(5) / 2,
    }
    dnext_h = rng.standard_normal((3, 5))
    good = gradient_check(rnn_step_forward, rnn_step_backward, inputs, (dnext_h,))
    assert set(good) == set(inputs) and max(good.values()) < 1e-8

    def backward_missing_tanh_derivative(dnext_h, cache):
        x, prev_h, Wx, Wh, _, _ = cache
        return dnext_h @ Wx.T, dnext_h @ Wh.T, x.T @ dnext_h, prev_h.T @ dnext_h, dnext_h.sum(0)

    bad = gradient_check(rnn_step_forward, backward_missing_tanh_derivative, inputs, (dnext_h,))
    assert min(bad.values()) > 1e-3


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: eval_numerical_gradient("f", np.ones(2)), TypeError, "f must be callable"),
        (lambda: eval_numerical_gradient(np.sum, [1.0, 2.0]), TypeError, "x must be a numpy array"),
        (
            lambda: eval_numerical_gradient(np.sum, np.ones(2, int)),
            TypeError,
            "x must be a floating-point array",
        ),
        (lambda: eval_numerical_gradient(np.sum, np.ones(2), h=0.0), ValueError, "h must be in"),
        (
            lambda: eval_numerical_gradient_array(np.sin, np.ones(2), np.ones(3)),
            ValueError,
            r"df must have f\(x\)'s shape",
        ),
        (
            lambda: eval_numerical_gradient_array(np.sin, np.ones(2), [1.0, 1.0]),
            TypeError,
            "df must be a numpy array",
        ),
        (lambda: rel_error(np.ones(2), np.ones(3)), ValueError, "x and y must have the same shape"),
        (lambda: gradient_check(np.sin, np.cos, [], ()), TypeError, "inputs must be a non-empty"),
        (
            lambda: gradient_check(np.sin, np.cos, {"x": np.ones(2)}, (), wrt=["y"]),
            ValueError,
            "wrt must be one of",
        ),
    ],
)
def test_gradcheck_rejects_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
