"""rnnviz.gradients.clipping: Pascanu's norm clipping, and the training run it rescues."""

import numpy as np
import pytest
import torch

from rnnviz.gradients.clipping import clip_by_norm, clipping_run, irnn_adding_model
from rnnviz.tasks.long_range import ADDING_BASELINE_MSE

torch.set_num_threads(1)


def test_clip_rescales_to_theta_and_keeps_the_direction():
    clipped, norm = clip_by_norm(np.array([3.0, 4.0]), 1.0)
    assert norm == 5.0
    np.testing.assert_allclose(clipped, [0.6, 0.8])


def test_below_theta_nothing_changes():
    g = np.array([0.3, -0.4])
    clipped, norm = clip_by_norm(g, 1.0)
    assert norm == pytest.approx(0.5)
    np.testing.assert_array_equal(clipped, g)


def test_list_of_arrays_matches_torch_clip_grad_norm():
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((4, 3)) * 10, rng.standard_normal(5)]
    clipped, norm = clip_by_norm(grads, 2.5)
    params = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g)
    torch_norm = torch.nn.utils.clip_grad_norm_(params, 2.5)
    assert norm == pytest.approx(float(torch_norm), rel=1e-12)
    for p, c in zip(params, clipped):
        np.testing.assert_allclose(c, p.grad.numpy(), rtol=1e-6)
    total = np.sqrt(sum(np.sum(c**2) for c in clipped))
    assert total == pytest.approx(2.5)


def test_huge_gradient_has_its_true_norm_and_clips_finite():
    clipped, norm = clip_by_norm(np.array([3e200, 4e200]), 1.0)
    assert norm == pytest.approx(5e200)
    np.testing.assert_allclose(clipped, [0.6, 0.8])


@pytest.mark.parametrize("bad, expected", [(np.inf, np.inf), (np.nan, np.nan)])
def test_non_finite_gradient_is_reported_not_hidden(bad, expected):
    g = np.array([1.0, bad])
    clipped, norm = clip_by_norm(g, 1.0)
    np.testing.assert_array_equal(norm, expected)
    np.testing.assert_array_equal(clipped, g)


@pytest.mark.parametrize(
    "call, error, word",
    [
        (lambda: clip_by_norm(np.ones(3), 0.0), ValueError, "max_norm"),
        (lambda: clip_by_norm(np.ones(3), "1"), TypeError, "max_norm"),
        (lambda: clip_by_norm([], 1.0), TypeError, "grads"),
        (lambda: clip_by_norm([np.ones(2), [1.0]], 1.0), TypeError, r"grads\[1\]"),
        (lambda: irnn_adding_model(0.0), ValueError, "spectral_radius"),
        (lambda: irnn_adding_model(1.0, nonlinearity="sigmoid"), ValueError, "nonlinearity"),
        (lambda: clipping_run(1.0, seq_len=1), ValueError, "seq_len"),
        (lambda: clipping_run(-1.0, steps=1), ValueError, "clip"),
    ],
)
def test_bad_arguments_name_themselves(call, error, word):
    with pytest.raises(error, match=word):
        call()


@pytest.mark.parametrize("nonlinearity", ["relu", "tanh"])
def test_model_starts_at_rho_times_identity_with_zero_biases(nonlinearity):
    model = irnn_adding_model(1.05, hidden_size=6, nonlinearity=nonlinearity)
    assert model.core.nonlinearity == nonlinearity
    np.testing.assert_allclose(
        model.core.weight_hh_l0.detach().numpy(), 1.05 * np.eye(6), rtol=1e-6
    )
    assert not model.core.bias_ih_l0.any() and not model.core.bias_hh_l0.any()


@pytest.mark.slow
def test_clipping_rescues_training_past_radius_one():
    # The lab's experiment: same weights, same batches, only the clipping differs.
    free = clipping_run(None, progress=False)
    clipped = clipping_run(1.0, progress=False)
    assert max(free.grad_norms) > 1e3  # the gradient exploded...
    assert not free.diverged and not clipped.diverged
    tail = 50
    free_loss, clipped_loss = np.mean(free.losses[-tail:]), np.mean(clipped.losses[-tail:])
    assert free_loss > 0.5 * ADDING_BASELINE_MSE  # ...and without clipping nothing was learned
    assert clipped_loss < 0.6 * ADDING_BASELINE_MSE  # clipped: it learned to add
    assert free_loss - clipped_loss > 0.05  # the lab's claim
