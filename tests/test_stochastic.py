"""Stochastic gradient descent (course_lib.stochastic): the two-feature digits model's gradients
against finite differences, the mini-batch gradient's mean and variance against the formulas
(statistical margins, several seeds), the noise ball, the schedules' exact values, the
mini-batches, run_sgd's bookkeeping and divergence, and clear errors for bad input."""
import math
import time
import warnings

import numpy as np
import pytest
from tests.strict import warnings_as_errors

from course_lib import SGD, Adam
from course_lib.gradcheck import gradient_check
from course_lib.stochastic import (Constant, Cosine, InverseTime, StepDecay, TwoFeatureLogistic,
                                   batches, digits_model, digits_two_features,
                                   gradient_estimate_stats, largest_angular_gap, noise_ball,
                                   predicted_noise_ball, run_sgd, schedule, steps_per_epoch)
from course_lib.surfaces import descend


@pytest.fixture(scope="module")
def model():
    return digits_model()


@pytest.fixture(scope="module")
def model_l2():
    return digits_model(l2=0.1)


def points(model, n=4, seed=0):
    """The start, and n points scattered over the plotting window (away from w*)."""
    rng = np.random.default_rng(seed)
    lo, hi = np.array([model.xlim[0], model.ylim[0]]), np.array([model.xlim[1], model.ylim[1]])
    return [model.start.copy(), *rng.uniform(lo, hi, size=(n, 2))]


# ---------------------------------------------------------------------------------------------
# the data and the model
# ---------------------------------------------------------------------------------------------

def test_two_digit_features_are_standardized_and_deterministic():
    X, y = digits_two_features()
    assert X.shape == (2, 357) and y.shape == (357,)
    assert np.bincount(y).tolist() == [183, 174]              # 3s (y = 0) and 8s (y = 1)
    np.testing.assert_allclose(X.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=1), 1.0, rtol=1e-12)
    X2, y2 = digits_two_features((3, 8))
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    # the left half tells a 3 from an 8: the eights have more ink there
    assert X[0, y == 1].mean() > 0.5 > -0.5 > X[0, y == 0].mean()
    X01, y01 = digits_two_features((0, 1))
    assert X01.shape == (2, 360) and set(np.unique(y01)) == {0, 1}


def test_the_digits_model_has_the_documented_minimum(model):
    assert model.m == 357 and model.l2 == 0.0
    np.testing.assert_allclose(model.minimum(), [2.388, -0.632], atol=1e-3)
    assert model.f_min == pytest.approx(0.3524, abs=1e-4)
    assert model.angular_gap < 180.0 and not model.separable
    accuracy = np.mean((model.minimum() @ model.X > 0) == (model.y == 1))
    assert 0.84 < accuracy < 0.86
    eig = np.linalg.eigvalsh(model.hessian(model.minimum()))
    np.testing.assert_allclose(eig, [0.0394, 0.0882], atol=2e-4)


@pytest.mark.parametrize("which", ["model", "model_l2"])
def test_every_gradient_matches_finite_differences(which, request):
    model = request.getfixturevalue(which)
    rng = np.random.default_rng(1)
    for w in points(model):
        check = gradient_check(model.cost, w, model.gradient(w), h=1e-5, tol=1e-7)
        assert check.passed, ("full", w, check)
        G = model.example_gradients(w)
        assert G.shape == (2, model.m)
        for i in rng.choice(model.m, size=6, replace=False):
            check = gradient_check(lambda v, i=i: model.example_costs(v)[i], w, G[:, i], tol=1e-7)
            assert check.passed, ("example", i, w, check)
        for B in (1, 5, 32):
            idx = rng.integers(0, model.m, size=B)            # repeats allowed
            check = gradient_check(lambda v: model.minibatch_cost(v, idx), w,
                                   model.minibatch_gradient(w, idx), tol=1e-7)
            assert check.passed, ("mini-batch", B, w, check)
        for j in range(2):                                    # the Hessian's rows
            check = gradient_check(lambda v, j=j: model.gradient(v)[j], w, model.hessian(w)[j],
                                   tol=1e-7)
            assert check.passed, ("hessian", j, w, check)


@pytest.mark.parametrize("which", ["model", "model_l2"])
def test_the_cost_is_the_mean_of_the_example_costs(which, request):
    model = request.getfixturevalue(which)
    everyone = np.arange(model.m)
    for w in points(model):
        costs = model.example_costs(w)
        assert costs.shape == (model.m,) and np.all(costs > 0)
        assert model.cost(w) == pytest.approx(costs.mean(), rel=1e-14)
        assert model.minibatch_cost(w, everyone) == pytest.approx(model.cost(w), rel=1e-14)
        np.testing.assert_allclose(model.example_gradients(w).mean(axis=1), model.gradient(w),
                                   rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(model.minibatch_gradient(w, everyone), model.gradient(w),
                                   rtol=1e-12, atol=1e-15)
        idx = np.array([4, 4, 9])                             # an example drawn twice counts twice
        np.testing.assert_allclose(model.minibatch_gradient(w, idx),
                                   (2 * model.example_gradients(w)[:, 4]
                                    + model.example_gradients(w)[:, 9]) / 3, rtol=1e-12)


@pytest.mark.parametrize("which", ["model", "model_l2"])
def test_the_minimum_is_stationary_and_a_minimum(which, request):
    model = request.getfixturevalue(which)
    w_star = model.minimum()
    assert np.linalg.norm(model.gradient(w_star)) < 1e-12
    assert np.all(np.linalg.eigvalsh(model.hessian(w_star)) > 1e-3)     # positive definite
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    ring = w_star + 1e-3 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    assert all(model.cost(p) > model.f_min for p in ring)
    # a long full-batch run (surfaces.descend, the model seen as a Surface) finds the same w*
    run = descend(model, SGD(lr=4.0), model.start, 400)
    assert run.diverged_at is None
    np.testing.assert_allclose(run.path[-1], w_star, atol=1e-8)


def test_separable_data_are_refused_unless_l2():
    X = np.array([[1.0, 2.0, -1.0, -2.0, 0.5], [1.0, 0.5, -1.0, 0.0, -0.2]])
    y = np.array([1, 1, 0, 0, 1])                             # the line x₁ = 0 separates them
    assert largest_angular_gap(X, y) >= 180.0
    with pytest.raises(ValueError, match=r"separable .* no finite minimum.*l2 > 0"):
        TwoFeatureLogistic(X, y)
    m = TwoFeatureLogistic(X, y, l2=0.1)
    assert m.separable and np.linalg.norm(m.gradient(m.minimum())) < 1e-12
    y_mixed = np.array([1, 0, 0, 1, 1])                       # no line through 0 separates these
    assert largest_angular_gap(X, y_mixed) < 180.0
    TwoFeatureLogistic(X, y_mixed)


def test_the_cost_grid_matches_the_pointwise_cost(model_l2):
    for model in (digits_model(), model_l2):
        W1, W2, C = model.grid(9)
        assert W1.shape == W2.shape == C.shape == (9, 9)
        for j, k in [(0, 0), (3, 7), (8, 2)]:
            assert C[j, k] == pytest.approx(model.cost(np.array([W1[j, k], W2[j, k]])), rel=1e-13)
        assert np.all(C >= model.f_min - 1e-12)
        assert model(W1[:2], W2[:2]).shape == (2, 9)
        assert model.levels.min() > model.f_min
        assert model.xlim[0] < model.start[0] < model.xlim[1]
        assert model.ylim[0] < model.start[1] < model.ylim[1]


# ---------------------------------------------------------------------------------------------
# mini-batches
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("m, B", [(10, 3), (10, 5), (10, 10), (10, 1), (357, 32), (357, 357)])
def test_an_epoch_without_replacement_visits_every_example_once(m, B):
    rng = np.random.default_rng(0)
    for _ in range(3):
        epoch = list(batches(m, B, rng))
        assert len(epoch) == steps_per_epoch(m, B) == math.ceil(m / B)
        assert [len(b) for b in epoch] == [B] * (len(epoch) - 1) + [m - B * (len(epoch) - 1)]
        assert np.array_equal(np.sort(np.concatenate(epoch)), np.arange(m))
    again = [list(batches(m, B, 5)) for _ in range(2)]        # an integer seed: repeatable
    assert all(np.array_equal(a, b) for a, b in zip(*again))


def chi_square(counts, expected):
    return float(np.sum((counts - expected) ** 2 / expected))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_draws_with_replacement_are_uniform_and_independent(seed):
    m, B, epochs = 10, 7, 3000
    rng = np.random.default_rng(seed)
    epoch = list(batches(m, B, rng, replacement=True))
    assert len(epoch) == 2 and all(len(b) == B for b in epoch)
    draws = np.concatenate([b for _ in range(epochs) for b in batches(m, B, rng, replacement=True)])
    n = draws.size
    # uniform: chi-square over the m values, df = m − 1 (mean df, sd √(2 df)): within 6 sd
    df = m - 1
    assert chi_square(np.bincount(draws, minlength=m), n / m) < df + 6 * math.sqrt(2 * df)
    # independent: consecutive draws, within and across batches, fall in the m² pairs uniformly
    pairs = np.bincount(draws[:-1] * m + draws[1:], minlength=m * m)
    df = m * m - 1
    assert chi_square(pairs, (n - 1) / m ** 2) < df + 6 * math.sqrt(2 * df)
    # and some batch holds a repeat (impossible without replacement)
    assert any(len(set(b)) < B for b in batches(m, B, rng, replacement=True) for _ in range(5))


# ---------------------------------------------------------------------------------------------
# the mini-batch gradient: unbiased, with the variance the formulas give
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("replacement", [True, False])
def test_the_minibatch_gradient_is_unbiased(model, replacement):
    for w in points(model, n=1):
        for B in (1, 7, 32):
            for seed in range(3):
                st = gradient_estimate_stats(model, w, B, 4000, seed, replacement=replacement)
                np.testing.assert_allclose(st.full, model.gradient(w), rtol=1e-12)
                assert st.estimates.shape == (4000, 2)
                # within 5 standard errors of the full gradient, for each component
                assert np.all(np.abs(st.z) < 5), (w, B, seed, st.z)


def test_the_variance_falls_like_one_over_B_with_replacement(model):
    w = model.start
    sizes = [1, 2, 4, 8, 16, 32, 64]
    for seed in range(3):
        stats = [gradient_estimate_stats(model, w, B, 8000, seed, replacement=True) for B in sizes]
        sigma2 = np.trace(model.gradient_covariance(w))
        for st in stats:
            assert st.sigma2 == pytest.approx(sigma2, rel=1e-12)
            assert st.predicted == pytest.approx(sigma2 / st.B, rel=1e-12)
            assert abs(st.variance - st.predicted) < 5 * st.variance_se, st
        slope = np.polyfit(np.log(sizes), np.log([st.variance for st in stats]), 1)[0]
        assert slope == pytest.approx(-1.0, abs=0.03)


def test_the_variance_without_replacement_has_the_finite_population_factor(model):
    w, m = model.start, model.m
    sizes = [1, 4, 16, 64, 179]
    for seed in range(3):
        stats = [gradient_estimate_stats(model, w, B, 6000, seed) for B in sizes]
        for st in stats:
            assert st.predicted == pytest.approx(st.sigma2 / st.B * (m - st.B) / (m - 1), rel=1e-12)
            assert abs(st.variance - st.predicted) < 5 * st.variance_se, st
        # the factor matters: at B = 64 it is 0.82, at B = 179 about ½ (dozens of standard errors)
        for st in stats[-2:]:
            assert st.sigma2 / st.B - st.variance > 10 * st.variance_se
        corrected = [st.variance * (m - 1) / (m - st.B) for st in stats]
        slope = np.polyfit(np.log(sizes), np.log(corrected), 1)[0]
        assert slope == pytest.approx(-1.0, abs=0.03)
    # B = m: every draw is the whole data set, no noise at all (up to the order of the sum)
    st = gradient_estimate_stats(model, w, m, 50, 0)
    assert st.predicted == 0.0 and st.variance < 1e-28


# ---------------------------------------------------------------------------------------------
# the noise ball
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("replacement", [True, False])
def test_the_noise_ball_grows_with_the_learning_rate(model, replacement):
    lrs = [0.25, 1.0, 4.0]
    balls = [noise_ball(model, lr, 8, replacement=replacement, seeds=range(4), burn_in=300,
                        window=1200) for lr in lrs]
    for small, large in zip(balls, balls[1:]):
        # every seed's ball, not only the median, grows by a clear margin (the law is ∝ √η
        # with replacement: 2× per 4× in η)
        assert np.all(large.radii > 1.3 * small.radii), (small, large)
        assert np.all(large.excesses > 1.5 * small.excesses), (small, large)
        assert large.radius > 1.3 * small.radius


def test_the_noise_ball_matches_the_linearised_prediction_at_small_learning_rates(model):
    for lr, B in [(0.25, 8), (1.0, 8), (0.25, 1), (0.5, 4)]:
        ball = noise_ball(model, lr, B, replacement=True, seeds=range(5), burn_in=500, window=2000)
        predicted = predicted_noise_ball(model, lr, B)
        assert 0.8 < ball.radius / predicted.radius < 1.25, (ball, predicted)
        assert 0.75 < ball.excess / predicted.excess < 1.33, (ball, predicted)
    # η/B sets the ball: (η, B) and (2η, 2B) predict nearly the same ball at small η
    a, b = predicted_noise_ball(model, 0.25, 4), predicted_noise_ball(model, 0.5, 8)
    assert a.radius == pytest.approx(b.radius, rel=0.02)
    assert math.isinf(predicted_noise_ball(model, 50.0, 8).radius)        # η λ_max > 2


# ---------------------------------------------------------------------------------------------
# schedules
# ---------------------------------------------------------------------------------------------

def test_schedules_give_the_documented_values():
    const = Constant(0.5)
    assert const(0) == const(10 ** 6) == 0.5
    step = StepDecay(1.0, every=10, factor=0.5)             # powers of two: exact
    assert [step(t) for t in (0, 9, 10, 19, 20, 25, 30)] == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125]
    torch_example = StepDecay(0.05, every=30, factor=0.1)   # torch's StepLR docs: 0.05, 0.005, ...
    assert [torch_example(t) for t in (0, 29)] == [0.05, 0.05]
    assert torch_example(30) == pytest.approx(0.005, rel=1e-15)
    assert torch_example(89) == pytest.approx(0.0005, rel=1e-15)
    inv = InverseTime(2.0, tau=4)
    assert [inv(t) for t in (0, 4, 12)] == [2.0, 1.0, 0.5]
    assert inv(1) == pytest.approx(1.6, rel=1e-15)
    cos = Cosine(1.0, T=10, lr_min=0.1)
    assert cos(0) == pytest.approx(1.0, rel=1e-15)
    assert cos(2) == pytest.approx(0.1 + 0.45 * (1 + math.cos(0.2 * math.pi)), rel=1e-15)
    assert cos(5) == pytest.approx(0.55, rel=1e-15)
    assert cos(10) == 0.1 and cos(11) == 0.1 and cos(1000) == 0.1    # cos(π) = −1 exactly
    assert Cosine(3.0, T=7)(7) == 0.0


def test_cosine_equals_torchs_documented_recursion_up_to_T():
    lr0, lr_min, T = 0.8, 0.05, 25
    cos = Cosine(lr0, T=T, lr_min=lr_min)
    eta = lr0
    for t in range(T):           # η_{t+1} = η_min + (η_t − η_min)(1 + cos((t+1)π/T))/(1 + cos(tπ/T))
        assert cos(t) == pytest.approx(eta, rel=1e-12, abs=1e-15)
        eta = lr_min + (eta - lr_min) * (1 + math.cos((t + 1) * math.pi / T)) / (1 + math.cos(t * math.pi / T))
    assert cos(T) == pytest.approx(eta, abs=1e-15)


@pytest.mark.parametrize("name, options", [("constant", {}), ("step", {"every": 7, "factor": 0.3}),
                                           ("inverse_time", {"tau": 12.5}),
                                           ("cosine", {"T": 40, "lr_min": 0.01})])
def test_schedules_by_name_vectorised_and_monotone(name, options):
    sched = schedule(name, 0.9, **options)
    t = np.arange(60)
    values = sched(t)
    assert values.shape == (60,) and values[0] == pytest.approx(0.9, rel=1e-15)
    assert np.array_equal(values, [sched(int(k)) for k in t])
    assert np.all(np.diff(values) <= 0) and np.all(values > 0)
    assert sched.name == name
    assert repr(sched).startswith(type(sched).__name__ + "(lr0=0.9")


# ---------------------------------------------------------------------------------------------
# run_sgd
# ---------------------------------------------------------------------------------------------

def test_run_sgd_takes_the_documented_steps(model):
    """The path equals a hand-written loop over `batches` with the same seed, bit for bit (the
    same operations in the same order)."""
    for replacement in (False, True):
        for B, lr in [(32, 1.0), (1, 0.3), (357, 4.0)]:
            run = run_sgd(model, SGD(lr), epochs=2, B=B, seed=7, replacement=replacement)
            n = 2 * math.ceil(model.m / B)
            assert run.path.shape == (n + 1, 2) and run.costs.shape == (n + 1,)
            assert run.lrs.shape == (n,) and np.all(run.lrs == lr) and run.diverged_at is None
            rng, w, path = np.random.default_rng(7), model.start.copy(), [model.start.copy()]
            for _ in range(2):
                for idx in batches(model.m, B, rng, replacement=replacement):
                    w -= lr * model.minibatch_gradient(w, idx)
                    path.append(w.copy())
            assert np.array_equal(run.path, path)
            np.testing.assert_allclose(run.costs, [model.cost(p) for p in run.path], rtol=1e-14)
    again = run_sgd(model, SGD(1.0), 50, B=4, seed=3)
    assert np.array_equal(again.path, run_sgd(model, SGD(1.0), 50, B=4, seed=3).path)
    assert not np.array_equal(again.path, run_sgd(model, SGD(1.0), 50, B=4, seed=4).path)
    assert run_sgd(model, SGD(1.0), 0).path.shape == (1, 2)


def test_run_sgd_follows_the_schedule_and_gives_the_optimizer_its_lr_back(model):
    sched = schedule("step", 2.0, every=5, factor=0.5)
    opt = SGD(0.123, momentum=0.5)
    run = run_sgd(model, opt, 20, B=8, seed=0, schedule=sched)
    np.testing.assert_array_equal(run.lrs, sched(np.arange(20)))
    assert opt.lr == 0.123
    # any function of t will do, and Adam as well as SGD
    run = run_sgd(model, Adam(0.1), 30, B=8, seed=0, schedule=lambda t: 0.1 / (1 + t))
    assert run.lrs[3] == pytest.approx(0.025) and run.diverged_at is None


def test_schedules_shrink_the_noise_ball(model):
    """At a constant η = 2 SGD ends hovering (last epoch's mean C − C* about 6e-3); each
    schedule that decays η brings it below a tenth of that, for every seed."""
    B, epochs = 8, 20
    per = steps_per_epoch(model.m, B)
    n = epochs * per
    def last_epoch_gap(sched, seed):
        return run_sgd(model, SGD(2.0), epochs=epochs, B=B, seed=seed, schedule=sched).gap[-per:].mean()
    constant = np.median([last_epoch_gap(None, s) for s in range(3)])
    for sched in (schedule("step", 2.0, every=n // 4, factor=0.25),
                  schedule("inverse_time", 2.0, tau=n / 20), schedule("cosine", 2.0, T=n)):
        for s in range(3):
            assert last_epoch_gap(sched, s) < 0.1 * constant, sched


@pytest.mark.parametrize("l2, lr, momentum", [(0.0, 1e9, 0.0), (0.01, 300.0, 0.0),
                                              (0.01, 500.0, 0.9), (0.1, 1e4, 0.0)])
def test_a_huge_learning_rate_reports_divergence_without_warnings(l2, lr, momentum):
    model = digits_model(l2=l2)
    with warnings.catch_warnings():
        warnings_as_errors()
        run = run_sgd(model, SGD(lr, momentum=momentum), 2000, B=8, seed=0)
    k = run.diverged_at
    assert k is not None and run.describe() == f"diverged at step {k}"
    assert run.path.shape == (k, 2) and run.costs.shape == (k,) and run.lrs.shape == (k - 1,)
    assert np.all(np.isfinite(run.path)) and np.all(np.isfinite(run.costs))
    if l2 == 0.01:             # a genuine blow-up, over a few steps: without momentum
        assert k > 3           # |1 − ηλ| = 2, the weights roughly double at each step


def test_speed_of_a_200_step_run(model):
    """Report (not assert) how long 200 steps with B = 32 take; the widget needs ≪ 50 ms."""
    times = []
    for _ in range(7):
        start = time.perf_counter()
        run_sgd(model, SGD(1.0, momentum=0.9), 200, B=32, seed=0)
        times.append(time.perf_counter() - start)
    print(f"\nrun_sgd: 200 steps with B = 32 take {1e3 * min(times):.1f} ms "
          f"(median {1e3 * np.median(times):.1f} ms)")


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------

_M = digits_model()
_W = np.array([0.5, -0.5])
_X, _Y = digits_two_features()

BAD = [
    (lambda: digits_two_features((3, 3)), ValueError, r"classes: \(3, 3\).*two different digits"),
    (lambda: digits_two_features((3, 10)), ValueError, r"classes.*digits 0\.\.9"),
    (lambda: digits_two_features("38"), ValueError, r"classes: '38'"),
    (lambda: digits_model(l2=-1.0), ValueError, r"l2: -1\.0.*≥ 0"),
    (lambda: digits_model(l2="small"), TypeError, r"l2: 'small'"),
    (lambda: TwoFeatureLogistic(np.ones((3, 5)), np.zeros(5, int)), ValueError, r"X has shape \(3, 5\)"),
    (lambda: TwoFeatureLogistic(_X, _Y[:-1]), ValueError, r"y has 356 labels; expected 357"),
    (lambda: TwoFeatureLogistic(_X, _Y + 1), ValueError, r"y must lie in 0\.\.1"),
    (lambda: _M.cost([1.0, 2.0, 3.0]), ValueError, r"w has shape \(3,\); expected \(2,\)"),
    (lambda: _M.gradient([np.nan, 0.0]), ValueError, r"w contains 1 NaN"),
    (lambda: _M.example_costs("w"), TypeError, r"w must be an array of numbers"),
    (lambda: _M.minibatch_gradient(_W, [357]), ValueError, r"idx holds 357; expected .* 0\.\.356"),
    (lambda: _M.minibatch_gradient(_W, [-1, 2]), ValueError, r"idx holds -1"),
    (lambda: _M.minibatch_gradient(_W, []), ValueError, r"idx has shape \(0,\)"),
    (lambda: _M.minibatch_gradient(_W, [[1, 2]]), ValueError, r"idx has shape \(1, 2\)"),
    (lambda: _M.minibatch_gradient(_W, [0.5]), TypeError, r"idx has dtype float64"),
    (lambda: _M.minibatch_cost(_W, np.array([True, False])), TypeError, r"idx has dtype bool.*flatnonzero"),
    (lambda: _M.cost_grid(np.ones((3, 3)), np.ones((2, 2))), ValueError, r"W1 has shape \(3, 3\) and W2 \(2, 2\)"),
    (lambda: _M.grid(1), ValueError, r"Invalid n: 1"),
    (lambda: batches(0, 1, 0), ValueError, r"Invalid m \(number of examples\): 0"),
    (lambda: batches(10, 0, 0), ValueError, r"Invalid batch size B: 0"),
    (lambda: batches(10, 2.0, 0), TypeError, r"Invalid batch size B: 2\.0"),
    (lambda: batches(10, 11, 0), ValueError, r"batch size B: 11; expected 1 ≤ B ≤ m = 10"),
    (lambda: batches(10, 2, None), TypeError, r"rng is None"),
    (lambda: batches(10, 2, -1), ValueError, r"Invalid rng: -1"),
    (lambda: batches(10, 2, 0, replacement="yes"), TypeError, r"Invalid replacement: 'yes'"),
    (lambda: steps_per_epoch(10, 0), ValueError, r"batch size B: 0"),
    (lambda: gradient_estimate_stats("model", _W, 4, 10, 0), TypeError, r"model must be a two-parameter"),
    (lambda: gradient_estimate_stats(_M, _W, 4, 1, 0), ValueError, r"Invalid draws: 1"),
    (lambda: gradient_estimate_stats(_M, [1.0], 4, 10, 0), ValueError, r"w has shape \(1,\)"),
    (lambda: gradient_estimate_stats(_M, _W, 400, 10, 0), ValueError, r"B ≤ m = 357"),
    (lambda: schedule("exponential", 1.0), ValueError, r"Unknown schedule 'exponential'.*'cosine'"),
    (lambda: schedule("step", 1.0, tau=3), TypeError, r"Unknown option\(s\) \['tau'\] for schedule 'step'"),
    (lambda: StepDecay(1.0, every=0), ValueError, r"Invalid every: 0"),
    (lambda: StepDecay(1.0, factor=2.0), ValueError, r"factor: 2\.0; expected a decay factor in \(0, 1\]"),
    (lambda: InverseTime(1.0, tau=0), ValueError, r"Invalid tau: 0"),
    (lambda: Cosine(1.0, T=0), ValueError, r"Invalid T: 0"),
    (lambda: Cosine(1.0, T=5, lr_min=2.0), ValueError, r"lr_min: 2\.0; expected a number in \[0, lr0\]"),
    (lambda: Constant(0.0), ValueError, r"Invalid lr0: 0\.0"),
    (lambda: Constant(True), TypeError, r"Invalid lr0: True"),
    (lambda: Constant(1.0)(-1), ValueError, r"Invalid step t: -1"),
    (lambda: Constant(1.0)(1.5), TypeError, r"Invalid step t: 1\.5"),
    (lambda: Constant(1.0)(np.array([0.5])), TypeError, r"step t has dtype float64"),
    (lambda: Constant(1.0)(np.array([3, -2])), ValueError, r"step t holds -2"),
    (lambda: run_sgd(_M, "sgd", 10), TypeError, r"optimizer must be a course_lib optimizer"),
    (lambda: run_sgd(None, SGD(1.0), 10), TypeError, r"model must be .* got NoneType"),
    (lambda: run_sgd(_M, SGD(1.0)), ValueError, r"steps or epochs, not both and not neither"),
    (lambda: run_sgd(_M, SGD(1.0), 10, epochs=2), ValueError, r"not both"),
    (lambda: run_sgd(_M, SGD(1.0), -1), ValueError, r"Invalid steps: -1"),
    (lambda: run_sgd(_M, SGD(1.0), epochs=0), ValueError, r"Invalid epochs: 0"),
    (lambda: run_sgd(_M, SGD(1.0), 10, B=0), ValueError, r"Invalid batch size B: 0"),
    (lambda: run_sgd(_M, SGD(1.0), 10, schedule=Cosine(1.0, T=5)), ValueError,
     r"η_t = 0\.0 at step t = 5.*lr_min > 0"),
    (lambda: run_sgd(_M, SGD(1.0), 10, schedule=lambda t: 1.0 - t / 5), ValueError,
     r"η_t = 0\.0 at step t = 5"),
    (lambda: run_sgd(_M, SGD(1.0), 10, schedule="cosine"), TypeError, r"schedule must be a Schedule"),
    (lambda: run_sgd(_M, SGD(1.0), 10, start=[1.0]), ValueError, r"start has shape \(1,\)"),
    (lambda: run_sgd(_M, SGD(1.0), 10, seed=1.5), TypeError, r"Invalid seed: 1\.5"),
    (lambda: run_sgd(_M, SGD(1.0), 10, replacement=1), TypeError, r"Invalid replacement: 1"),
    (lambda: run_sgd(_M, SGD(1.0), 10, blowup=0), ValueError, r"Invalid blowup: 0"),
    (lambda: noise_ball(_M, 0.0, 8), ValueError, r"Invalid lr: 0\.0"),
    (lambda: noise_ball(_M, 1.0, 0), ValueError, r"Invalid batch size B: 0"),
    (lambda: noise_ball(_M, 1.0, 8, seeds=[]), ValueError, r"Invalid seeds: \[\]"),
    (lambda: noise_ball(_M, 1.0, 8, seeds=3), TypeError, r"seeds must be a list of integer seeds"),
    (lambda: noise_ball(_M, 1.0, 8, seeds=[0, -1]), ValueError, r"Invalid seed in seeds: -1"),
    (lambda: noise_ball(_M, 1.0, 8, window=0), ValueError, r"Invalid window: 0"),
    (lambda: noise_ball(_M, 1.0, 8, burn_in=-5), ValueError, r"Invalid burn_in: -5"),
    (lambda: noise_ball(_M, 1.0, 8, momentum=1.0, window=5), ValueError, r"Invalid momentum: 1\.0"),
    (lambda: predicted_noise_ball(_M, -1.0, 8), ValueError, r"Invalid lr: -1\.0"),
]


@pytest.mark.parametrize("call, error, message", BAD, ids=[f"{i}:{r[2][:30]}" for i, r in enumerate(BAD)])
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert isinstance(info.value, ValueError)      # every bad input is also a ValueError


def test_linear_schedule_against_its_formula():
    # η₀ = 0.5, η_min = 0.1, T = 4: 0.5, 0.4, 0.3, 0.2, 0.1, then 0.1
    sched = schedule("linear", 0.5, T=4, lr_min=0.1)
    np.testing.assert_allclose(sched(np.arange(7)), [0.5, 0.4, 0.3, 0.2, 0.1, 0.1, 0.1],
                               rtol=1e-15)
    assert schedule("linear", 1.0, T=10)(5) == 0.5
    with pytest.raises(ValueError, match="lr_min"):
        schedule("linear", 0.5, T=4, lr_min=0.6)
