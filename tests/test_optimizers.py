"""Optimizers against hand-computed first steps, known convergence and the theory of the
divergence boundary on a quadratic.

The two-step fixture: θ₀ = [1, −2], then gradients g₁ = [0.5, −1] and g₂ = [0.25, 2] are fed
in (the update rules do not care where the gradients come from). Every expected number below
was worked out from the update formulas written beside it, not by running the code.
"""
import numpy as np
import pytest

from course_lib import SGD, AdaGrad, Adam, RMSprop
from course_lib.bugzoo import AdamWithoutStepCount as SeedAdam  # the source's Adam (notebook 03)
from course_lib.surfaces import bowl, descend, rosenbrock

G1, G2 = np.array([0.5, -1.0]), np.array([0.25, 2.0])


def two_steps(opt):
    params = {"w": np.array([1.0, -2.0])}
    opt.step(params, {"w": G1.copy()})
    first = params["w"].copy()
    opt.step(params, {"w": G2.copy()})
    return first, params["w"].copy()


def test_sgd_plain_first_two_steps():
    # θ ← θ − η g with η = 0.1
    first, second = two_steps(SGD(lr=0.1))
    np.testing.assert_allclose(first, [0.95, -1.9], rtol=1e-12)
    np.testing.assert_allclose(second, [0.925, -2.1], rtol=1e-12)


def test_sgd_momentum_first_two_steps():
    # b₁ = g₁ = [0.5, −1]; θ₁ = θ₀ − 0.1 b₁ = [0.95, −1.9]
    # b₂ = 0.9 b₁ + g₂ = [0.7, 1.1]; θ₂ = θ₁ − 0.1 b₂ = [0.88, −2.01]
    opt = SGD(lr=0.1, momentum=0.9)
    first, second = two_steps(opt)
    np.testing.assert_allclose(first, [0.95, -1.9], rtol=1e-12)
    np.testing.assert_allclose(second, [0.88, -2.01], rtol=1e-12)
    np.testing.assert_allclose(opt.state["w"]["momentum_buffer"], [0.7, 1.1], rtol=1e-12)
    assert opt.t == 2


def test_sgd_nesterov_first_two_steps():
    # b₁ = g₁; direction g₁ + 0.9 b₁ = [0.95, −1.9]; θ₁ = [0.905, −1.81]
    # b₂ = [0.7, 1.1]; direction g₂ + 0.9 b₂ = [0.88, 2.99]; θ₂ = [0.817, −2.109]
    first, second = two_steps(SGD(lr=0.1, momentum=0.9, nesterov=True))
    np.testing.assert_allclose(first, [0.905, -1.81], rtol=1e-12)
    np.testing.assert_allclose(second, [0.817, -2.109], rtol=1e-12)


def test_adagrad_first_two_steps():
    # G₁ = [0.25, 1]: θ₁ = θ₀ − 0.1 [0.5/0.5, −1/1] = [0.9, −1.9]
    # G₂ = [0.3125, 5]: θ₂ = θ₁ − 0.1 [0.25/√0.3125, 2/√5] = θ₁ − [0.0447213595, 0.0894427191]
    opt = AdaGrad(lr=0.1, eps=1e-10)
    first, second = two_steps(opt)
    np.testing.assert_allclose(first, [0.9, -1.9], rtol=1e-9)
    np.testing.assert_allclose(second, [0.8552786405, -1.9894427191], rtol=1e-9)
    np.testing.assert_allclose(opt.state["w"]["sum"], [0.3125, 5.0], rtol=1e-12)


def test_rmsprop_first_two_steps():
    # v₁ = 0.01 g₁² = [0.0025, 0.01], √v₁ = [0.05, 0.1]: θ₁ = θ₀ − 0.01 [10, −10] = [0.9, −1.9]
    # v₂ = 0.99 v₁ + 0.01 g₂² = [0.0031, 0.0499]:
    # θ₂ = θ₁ − 0.01 [0.25/√0.0031, 2/√0.0499] = θ₁ − [0.0449013255, 0.0894676978]
    # (ε = 1e-8 is added to √v; it moves the 8th digit)
    opt = RMSprop(lr=0.01, alpha=0.99, eps=1e-8)
    first, second = two_steps(opt)
    np.testing.assert_allclose(first, [0.90000002, -1.90000001], rtol=1e-9)
    np.testing.assert_allclose(second, [0.8550987026, -1.9895323022], rtol=1e-9)
    np.testing.assert_allclose(opt.state["w"]["square_avg"], [0.0031, 0.0499], rtol=1e-12)


def test_adam_first_two_steps():
    # t = 1: m = 0.1 g₁ = [0.05, −0.1], v = 0.001 g₁² = [0.00025, 0.001]
    #        m̂ = m/0.1 = g₁, v̂ = v/0.001 = g₁²: the first step is η·sign(g) = ±0.1
    # t = 2: m = [0.07, 0.11], v = [0.00031225, 0.004999], m̂ = m/0.19, v̂ = v/0.001999
    #        θ₂ = θ₁ − 0.1 m̂/(√v̂ + ε) = [0.8067820405, −1.9366103535]
    opt = Adam(lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    first, second = two_steps(opt)
    np.testing.assert_allclose(first, [0.900000002, -1.900000001], rtol=1e-9)
    np.testing.assert_allclose(second, [0.8067820405, -1.9366103535], rtol=1e-9)
    np.testing.assert_allclose(opt.state["w"]["m"], [0.07, 0.11], rtol=1e-12)
    np.testing.assert_allclose(opt.state["w"]["v"], [0.00031225, 0.004999], rtol=1e-12)
    assert opt.t == 2


def test_adam_without_bias_correction_first_two_steps():
    # m/√v at t = 1 is 0.1 g/(√0.001 |g|) = 3.162 sign(g): a first step 3.16× too long
    first, second = two_steps(Adam(lr=0.1, bias_correction=False))
    np.testing.assert_allclose(first, [0.683772434, -1.683772334], rtol=1e-9)
    np.testing.assert_allclose(second, [0.2876343737, -1.8393513625], rtol=1e-9)


def test_seed_adam_matches_at_t1_and_not_after():
    # the seed divides by 0.1 and 0.001 at every step: right at t = 1 only.
    # t = 2: θ₂ = θ₁ − 0.1 (m/0.1)/(√(v/0.001) + ε) = [0.7747300795, −1.9491984164]
    first, second = two_steps(SeedAdam(lr=0.1))
    np.testing.assert_allclose(first, [0.900000002, -1.900000001], rtol=1e-9)
    np.testing.assert_allclose(second, [0.7747300795, -1.9491984164], rtol=1e-9)


def test_seed_adam_step_ratio_with_constant_gradient():
    # constant g: Adam's step is η·sign(g) always; the seed's is
    # η (1 − β₁ᵗ)/(1 − β₁) / √((1 − β₂ᵗ)/(1 − β₂)): 1 at t = 1, 2.06 at t = 10, → 0.316
    right, seed = Adam(lr=1.0), SeedAdam(lr=1.0)
    p, q = {"w": np.zeros(1)}, {"w": np.zeros(1)}
    ratios = []
    for t in range(1, 10001):
        a0, s0 = p["w"][0], q["w"][0]
        right.step(p, {"w": np.ones(1)})
        seed.step(q, {"w": np.ones(1)})
        ratios.append((q["w"][0] - s0) / (p["w"][0] - a0))
    assert ratios[0] == pytest.approx(1.0, rel=1e-9)
    assert ratios[9] == pytest.approx(2.064, abs=1e-3)
    assert ratios[-1] == pytest.approx(0.1 ** -1 * 0.001 ** 0.5, rel=1e-3)


def test_reset_forgets_state():
    opt = Adam(lr=0.1)
    two_steps(opt)
    opt.reset()
    assert opt.t == 0 and opt.state == {}
    first, _ = two_steps(opt)
    np.testing.assert_allclose(first, [0.900000002, -1.900000001], rtol=1e-9)


@pytest.mark.parametrize("make, word", [
    (lambda: SGD(lr=0.0), "lr"),
    (lambda: SGD(lr=-0.1), "lr"),
    (lambda: SGD(lr=float("nan")), "lr"),
    (lambda: SGD(lr=0.1, momentum=1.0), "momentum"),
    (lambda: SGD(lr=0.1, momentum=-0.1), "momentum"),
    (lambda: SGD(lr=0.1, nesterov=True), "momentum"),
    (lambda: AdaGrad(lr=0.0), "lr"),
    (lambda: AdaGrad(lr=0.1, eps=0.0), "eps"),
    (lambda: RMSprop(lr=0.1, alpha=1.0), "alpha"),
    (lambda: RMSprop(lr=0.1, alpha=-0.5), "alpha"),
    (lambda: RMSprop(lr=0.1, eps=-1e-8), "eps"),
    (lambda: Adam(lr=-1.0), "lr"),
    (lambda: Adam(lr=0.1, betas=(1.0, 0.999)), "beta1"),
    (lambda: Adam(lr=0.1, betas=(-0.1, 0.999)), "beta1"),
    (lambda: Adam(lr=0.1, betas=(0.9, 1.0)), "beta2"),
    (lambda: Adam(lr=0.1, betas=(0.9, 1.5)), "beta2"),
    (lambda: Adam(lr=0.1, betas=0.9), "betas"),
    (lambda: Adam(lr=0.1, eps=0.0), "eps"),
])
def test_bad_hyperparameters_raise_naming_the_value(make, word):
    with pytest.raises(ValueError, match=word):
        make()


def test_nonfinite_or_misshapen_gradient_raises():
    opt = SGD(lr=0.1)
    params = {"w": np.zeros(2)}
    with pytest.raises(ValueError, match="NaN or inf"):
        opt.step(params, {"w": np.array([np.nan, 0.0])})
    with pytest.raises(ValueError, match="shape"):
        opt.step(params, {"w": np.zeros(3)})
    with pytest.raises(ValueError, match="no gradient"):
        opt.step(params, {"v": np.zeros(2)})


CONVERGES_ON_BOWL = [SGD(lr=1.5), SGD(lr=1.0, momentum=0.6), SGD(lr=1.0, momentum=0.6, nesterov=True),
                     AdaGrad(lr=1.0), RMSprop(lr=0.01), Adam(lr=0.1)]


@pytest.mark.parametrize("opt", CONVERGES_ON_BOWL, ids=repr)
def test_converges_on_the_bowl(opt):
    s = bowl(condition=10)
    run = descend(s, opt, s.start, steps=5000, tol=1e-10)
    assert run.diverged_at is None
    assert run.converged_at is not None, run.describe()
    # plain RMSprop (no momentum to average the sign flips) ends in a small cycle around the
    # minimum whose size is set by lr; the others settle (1e-10 in f is about 1e-5 in x)
    assert np.linalg.norm(run.final) < (opt.lr if isinstance(opt, RMSprop) else 1e-4)


CONVERGES_ON_ROSENBROCK = [SGD(lr=1e-3, momentum=0.9), SGD(lr=1e-3, momentum=0.9, nesterov=True),
                           Adam(lr=0.02), RMSprop(lr=1e-3), AdaGrad(lr=0.5)]


@pytest.mark.parametrize("opt", CONVERGES_ON_ROSENBROCK, ids=repr)
def test_converges_on_rosenbrock(opt):
    s = rosenbrock()
    run = descend(s, opt, s.start, steps=20000, tol=1e-6)
    assert run.diverged_at is None
    assert np.linalg.norm(run.final - np.array([1.0, 1.0])) < 0.01, (opt, run.final)


def diverges(lr, momentum=0.0, nesterov=False, L=1.0, steps=2000):
    """Does the method blow up (error larger than at the start) on ½(L/κ x² + L y²)?"""
    s = bowl(condition=4, L=L)
    opt = SGD(lr=lr, momentum=momentum, nesterov=nesterov)
    run = descend(s, opt, s.start, steps=steps, blowup=1e6)
    return run.diverged_at is not None or run.gap[-1] > run.gap[0]


def empirical_boundary(lo, hi, **kw):
    """Bisection on lr between a converging lo and a diverging hi."""
    assert not diverges(lo, **kw) and diverges(hi, **kw)
    for _ in range(16):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if diverges(mid, **kw) else (mid, hi)
    return 0.5 * (lo + hi)


@pytest.mark.parametrize("L", [1.0, 3.0])
def test_plain_gd_diverges_above_two_over_L(L):
    found = empirical_boundary(0.1 / L, 10.0 / L, L=L)
    assert found == pytest.approx(2.0 / L, rel=0.02)


@pytest.mark.parametrize("momentum", [0.3, 0.6, 0.9])
def test_heavy_ball_diverges_above_two_one_plus_beta_over_L(momentum):
    L = 2.0
    found = empirical_boundary(0.1 / L, 10.0 / L, L=L, momentum=momentum)
    assert found == pytest.approx(2.0 * (1 + momentum) / L, rel=0.02)


@pytest.mark.parametrize("momentum", [0.3, 0.9])
def test_nesterov_boundary_is_lower(momentum):
    # same analysis for the Nesterov form: η < 2(1 + β) / ((1 + 2β) L)
    L = 2.0
    found = empirical_boundary(0.1 / L, 10.0 / L, L=L, momentum=momentum, nesterov=True)
    assert found == pytest.approx(2.0 * (1 + momentum) / ((1 + 2 * momentum) * L), rel=0.02)


def test_seed_momentum_convention_is_the_same_method():
    # the source article: v ← μ v + η g, θ ← θ − v; ours: b ← μ b + g, θ ← θ − η b; v = η b
    s = bowl(condition=25)
    ours = descend(s, SGD(lr=0.7, momentum=0.8), s.start, steps=60).path
    theta, v = s.start.copy(), np.zeros(2)
    for k in range(1, 61):
        v = 0.8 * v + 0.7 * s.grad(theta)
        theta = theta - v
        np.testing.assert_allclose(theta, ours[k], rtol=1e-10, atol=1e-12)


# -- weight decay λ: the gradient becomes g + λθ before the update (torch.optim's weight_decay) --
# Same fixture, λ = 0.1. Step 1 sees g₁ + λθ₀ = [0.6, −1.2]; step 2 sees g₂ + λθ₁.

def test_sgd_weight_decay_first_two_steps():
    # plain, η = 0.1: θ₁ = θ₀ − 0.1 [0.6, −1.2] = [0.94, −1.88]
    # g₂ + λθ₁ = [0.344, 1.812]: θ₂ = [0.9056, −2.0612]
    first, second = two_steps(SGD(lr=0.1, weight_decay=0.1))
    np.testing.assert_allclose(first, [0.94, -1.88], rtol=1e-12)
    np.testing.assert_allclose(second, [0.9056, -2.0612], rtol=1e-12)
    # momentum 0.9: b₁ = [0.6, −1.2], θ₁ = [0.94, −1.88]
    # b₂ = 0.9 b₁ + [0.344, 1.812] = [0.884, 0.732]: θ₂ = [0.8516, −1.9532]
    first, second = two_steps(SGD(lr=0.1, momentum=0.9, weight_decay=0.1))
    np.testing.assert_allclose(first, [0.94, -1.88], rtol=1e-12)
    np.testing.assert_allclose(second, [0.8516, -1.9532], rtol=1e-12)
    # Nesterov: direction g' + 0.9 b₁ = [1.14, −2.28], θ₁ = [0.886, −1.772]
    # g₂ + λθ₁ = [0.3386, 1.8228], b₂ = [0.8786, 0.7428], direction [1.12934, 2.49132]:
    # θ₂ = [0.773066, −2.021132]
    first, second = two_steps(SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1))
    np.testing.assert_allclose(first, [0.886, -1.772], rtol=1e-12)
    np.testing.assert_allclose(second, [0.773066, -2.021132], rtol=1e-12)


def test_adagrad_weight_decay_first_two_steps():
    # G₁ = [0.36, 1.44]: θ₁ = θ₀ − 0.1 [0.6/0.6, −1.2/1.2] = [0.9, −1.9]
    # g₂ + λθ₁ = [0.34, 1.81], G₂ = [0.4756, 4.7161]:
    # θ₂ = θ₁ − 0.1 [0.34/√0.4756, 1.81/√4.7161] = [0.8506987428, −1.9833464434]
    opt = AdaGrad(lr=0.1, weight_decay=0.1)
    first, second = two_steps(opt)
    np.testing.assert_allclose(first, [0.9, -1.9], rtol=1e-9)
    np.testing.assert_allclose(second, [0.8506987428, -1.9833464434], rtol=1e-9)
    np.testing.assert_allclose(opt.state["w"]["sum"], [0.4756, 4.7161], rtol=1e-8)  # (ε in θ₁)


def test_rmsprop_weight_decay_first_two_steps():
    # v₁ = 0.01 [0.36, 1.44], √v₁ = [0.06, 0.12]: θ₁ = θ₀ − 0.01 [10, −10] (+ε) = [0.9, −1.9]
    # g₂ + λθ₁ = [0.34, 1.81] (ε moves θ₁, so the states, in the 9th digit), v₂ = 0.99 v₁ + 0.01 [0.1156, 3.2761] = [0.00472, 0.047017]:
    # θ₂ = θ₁ − 0.01 [0.34/√0.00472, 1.81/√0.0470171] = [0.8505111104, −1.9834739838]
    opt = RMSprop(lr=0.01, weight_decay=0.1)
    first, second = two_steps(opt)
    np.testing.assert_allclose(first, [0.9000000167, -1.9000000083], rtol=1e-9)
    np.testing.assert_allclose(second, [0.8505111104, -1.9834739838], rtol=1e-9)
    np.testing.assert_allclose(opt.state["w"]["square_avg"], [0.00472, 0.047017], rtol=1e-8)


def test_adam_weight_decay_first_two_steps():
    # t = 1: m = 0.1 [0.6, −1.2], v = 0.001 [0.36, 1.44]: m̂/√v̂ = ±1, θ₁ = [0.9, −1.9] (+ε)
    # t = 2: g₂ + λθ₁ = [0.34, 1.81], m = [0.088, 0.073], v = [0.00047524, 0.00471466]
    #        θ₂ = θ₁ − 0.1 (m/0.19)/(√(v/0.001999) + ε) = [0.8050097659, −1.9250178785]
    # (torch's Adam(weight_decay=λ): L2 in the gradient, not AdamW's decoupled decay)
    opt = Adam(lr=0.1, weight_decay=0.1)
    first, second = two_steps(opt)
    np.testing.assert_allclose(first, [0.9000000017, -1.9000000008], rtol=1e-9)
    np.testing.assert_allclose(second, [0.8050097659, -1.9250178785], rtol=1e-9)
    np.testing.assert_allclose(opt.state["w"]["m"], [0.088, 0.073], rtol=1e-8)   # (ε in θ₁)
    np.testing.assert_allclose(opt.state["w"]["v"], [0.00047524, 0.00471466], rtol=1e-8)


@pytest.mark.parametrize("make", [
    lambda wd: SGD(0.05, weight_decay=wd), lambda wd: SGD(0.05, momentum=0.9, weight_decay=wd),
    lambda wd: SGD(0.05, momentum=0.9, nesterov=True, weight_decay=wd),
    lambda wd: AdaGrad(0.05, weight_decay=wd), lambda wd: RMSprop(0.01, weight_decay=wd),
    lambda wd: Adam(0.01, weight_decay=wd),
])
def test_weight_decay_is_the_gradient_of_the_l2_penalty(make):
    """Over 20 random steps, weight decay λ gives exactly the run without it on the cost
    C + (λ/2)‖θ‖², whose gradient is g + λθ; the caller's gradients are not changed."""
    rng = np.random.default_rng(3)
    lam = 0.3
    a, b = {"W": rng.normal(size=(3, 4))}, {}
    b["W"] = a["W"].copy()
    with_decay, penalised = make(lam), make(0.0)
    for _ in range(20):
        g = rng.normal(size=(3, 4))
        g_before = g.copy()
        with_decay.step(a, {"W": g})
        np.testing.assert_array_equal(g, g_before)
        penalised.step(b, {"W": g + lam * b["W"]})
    np.testing.assert_allclose(a["W"], b["W"], rtol=1e-12, atol=1e-15)
    assert np.abs(a["W"]).max() > 0    # (not stuck at 0)


@pytest.mark.parametrize("value, error", [(-0.1, ValueError), (float("inf"), ValueError),
                                          (float("nan"), ValueError), ("0.1", TypeError),
                                          (True, TypeError)])
@pytest.mark.parametrize("cls", [SGD, AdaGrad, RMSprop, Adam])
def test_bad_weight_decay_is_refused(cls, value, error):
    with pytest.raises(error, match=r"weight_decay.*expected a finite number ≥ 0"):
        cls(0.1, weight_decay=value)


def test_weight_decay_shows_in_repr_only_when_used():
    assert "weight_decay" not in repr(Adam(0.01))
    assert "weight_decay=0.001" in repr(Adam(0.01, weight_decay=1e-3))
