"""gradients.memory: the Monte Carlo estimates agree with the closed forms of the lab's text."""

import pytest

from rnnviz.gradients.memory import (
    lambda_sensitivity,
    lambda_sensitivity_closed_form,
    state_energy,
    state_energy_closed_form,
)


def test_normalisation_closed_form():
    assert state_energy_closed_form(0.999, seq_len=100_000, normalized=False) == pytest.approx(
        500.25, rel=1e-6
    )
    assert state_energy_closed_form(0.999, seq_len=100_000) == pytest.approx(1.0, rel=1e-6)
    assert state_energy_closed_form(0.0, normalized=False) == 1.0
    assert state_energy_closed_form(0.5, seq_len=1) == pytest.approx(0.75)  # one step: gamma^2


@pytest.mark.parametrize("seed", [0, 1])
def test_normalisation_by_monte_carlo(seed):
    # 4000 samples of a Gaussian h_T: the mean of h^2 has a relative spread sqrt(2/4000) = 2.2%.
    raw = state_energy(0.999, normalized=False, seed=seed)
    assert raw == pytest.approx(state_energy_closed_form(0.999, normalized=False), rel=0.1)
    assert state_energy(0.999, seed=seed) == pytest.approx(1.0, rel=0.1)


def test_curse_of_memory():
    assert lambda_sensitivity_closed_form(0.99) == pytest.approx(2.5126e5, rel=1e-4)
    assert lambda_sensitivity_closed_form(0.0) == 1.0
    for seed in (0, 1):
        mc = lambda_sensitivity(0.99, seed=seed)
        assert mc == pytest.approx(lambda_sensitivity_closed_form(0.99), rel=0.1)
    assert lambda_sensitivity(0.5, seq_len=200, seed=2) == pytest.approx(
        lambda_sensitivity_closed_form(0.5), rel=0.1
    )


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="radius"):
        state_energy(1.0)
    with pytest.raises(ValueError, match="lam"):
        lambda_sensitivity_closed_form(-0.5)
    with pytest.raises(TypeError, match="normalized"):
        state_energy(0.5, normalized="yes")
    with pytest.raises(ValueError, match="samples"):
        lambda_sensitivity(0.5, samples=0)
