"""What a long memory costs a linear recurrence: the state's size and the eigenvalue's sensitivity.

One real mode h_t = lambda h_{t-1} + gamma u_t driven by white noise u_t ~ N(0, 1):
- **Normalisation** (Orvieto et al. 2023). E[h_T^2] = gamma^2 (1 - lambda^(2T)) / (1 - lambda^2):
  without gamma (gamma = 1) it grows like 1/(1 - lambda^2), 500 at lambda = 0.999; with
  gamma = sqrt(1 - lambda^2) it stays about 1.
- **The curse of memory** (Zucchet and Orvieto 2024, "Recurrent neural networks: vanishing
  and exploding gradients are not the end of the story"). For h_{t+1} = lambda h_t + x_t the
  sensitivity s_t = dh_t/dlambda obeys s_{t+1} = h_t + lambda s_t, and in the stationary
  regime E[s^2] = (1 + lambda^2) / (1 - lambda^2)^3: about 2.5e5 at lambda = 0.99. The
  longer the memory, the more violently the state reacts to a change of lambda, even though
  no gradient vanishes. Reparameterising lambda = exp(-exp(nu)) multiplies it by
  (dlambda/dnu)^2 = (lambda log lambda)^2, which tames the blow-up.

Each quantity comes as a Monte Carlo estimate (seeded, float64) and its closed form.
"""

import numpy as np

from rnnviz import checks


def _radius(name, value):
    return checks.real_number(name, value, low=0.0, high=0.9999)


def state_energy_closed_form(radius, seq_len=5000, normalized=True):
    """E[h_T^2] of h_t = r h_{t-1} + gamma u_t, u_t ~ N(0, 1), h_0 = 0.

    Inputs: radius: r in [0, 0.9999]; seq_len: T; normalized: gamma = sqrt(1 - r^2), else 1.
    Returns: float, gamma^2 (1 - r^(2T)) / (1 - r^2)
    """
    r = _radius("radius", radius)
    T = checks.positive_int("seq_len", seq_len)
    normalized = checks.switch("normalized", normalized)
    gamma2 = 1 - r**2 if normalized else 1.0
    return float(gamma2 * -np.expm1(2 * T * np.log(r)) / (1 - r**2)) if r > 0 else gamma2


def state_energy(radius, normalized=True, seq_len=5000, samples=4000, seed=0):
    """Monte Carlo estimate of E[h_T^2] for h_t = r h_{t-1} + gamma u_t (state_energy_closed_form).

    Inputs: radius: r in [0, 0.9999]; normalized: gamma = sqrt(1 - r^2), else 1; seq_len: T;
    samples: independent sequences; seed: int >= 0.
    Returns: float, the mean of h_T^2 over the samples
    """
    state_energy_closed_form(radius, seq_len, normalized)  # the checks
    checks.positive_int("seq_len", seq_len, maximum=1_000_000)
    n = checks.positive_int("samples", samples, maximum=1_000_000)
    checks.seed("seed", seed)
    r, T = float(radius), int(seq_len)
    gamma = np.sqrt(1 - r**2) if normalized else 1.0
    rng = np.random.default_rng([seed, 53])
    h = np.zeros(n)
    for _ in range(T):
        h = r * h + gamma * rng.standard_normal(n)  # (samples,)
    return float(np.mean(h**2))


def lambda_sensitivity_closed_form(lam):
    """E[(dh/dlambda)^2] in the stationary regime of h_{t+1} = lambda h_t + x_t, x ~ N(0, 1):
    (1 + lambda^2) / (1 - lambda^2)^3 (Zucchet and Orvieto 2024).

    Inputs: lam: lambda in [0, 0.9999]. Returns: float
    """
    lam = _radius("lam", lam)
    return (1 + lam**2) / (1 - lam**2) ** 3


def lambda_sensitivity(lam, seq_len=3000, samples=4000, seed=0):
    """Monte Carlo estimate of E[(dh_T/dlambda)^2] for h_{t+1} = lambda h_t + x_t, white noise.

    Forward-mode: s_{t+1} = h_t + lambda s_t alongside h (s = dh/dlambda, s_0 = h_0 = 0).
    seq_len should be many times 1/(1 - lambda) for the stationary value.
    Inputs: lam: lambda in [0, 0.9999]; seq_len: T; samples; seed: int >= 0.
    Returns: float, the mean of s_T^2
    """
    lam = _radius("lam", lam)
    T = checks.positive_int("seq_len", seq_len, maximum=1_000_000)
    n = checks.positive_int("samples", samples, maximum=1_000_000)
    checks.seed("seed", seed)
    rng = np.random.default_rng([seed, 59])
    h, s = np.zeros(n), np.zeros(n)
    for _ in range(T):
        h, s = lam * h + rng.standard_normal(n), h + lam * s  # (samples,) each
    return float(np.mean(s**2))
