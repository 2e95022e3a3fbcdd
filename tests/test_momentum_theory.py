"""course_lib.momentum_theory: hand-computed values, and the rates it predicts against the rates
measured by running SGD (heavy ball and Nesterov) on the bowl."""
import numpy as np
import pytest

from course_lib.momentum_theory import (best_plain, critical_momentum, iteration_matrix,
                                        measured_rate, nesterov_lookahead, polyak,
                                        predicted_steps, rate_of, roots)
from course_lib.optimizers import SGD
from course_lib.surfaces import bowl, descend


def test_polyak_by_hand():
    # κ = 25, L = 1: √μ = 0.2, η = 4/1.2² = 25/9, β = (0.8/1.2)² = 4/9, rate 2/3
    t = polyak(1.0, 0.04)
    assert t.lr == pytest.approx(25 / 9, rel=1e-14)
    assert t.momentum == pytest.approx(4 / 9, rel=1e-14)
    assert t.rate == pytest.approx(2 / 3, rel=1e-14)
    t = polyak(4.0, 1.0)           # √L = 2, √μ = 1: η = 4/9, β = 1/9, rate 1/3
    assert (t.lr, t.momentum, t.rate) == pytest.approx((4 / 9, 1 / 9, 1 / 3), rel=1e-14)
    with pytest.raises(ValueError, match="mu"):
        polyak(1.0, 2.0)


def test_best_plain_by_hand():
    t = best_plain(1.0, 0.04)
    assert (t.lr, t.rate) == pytest.approx((2 / 1.04, 0.96 / 1.04), rel=1e-14)


def test_roots_are_the_eigenvalues_of_the_iteration_matrix():
    for nesterov in (False, True):
        for lr, beta, lam in [(1.0, 0.5, 0.3), (2.7, 0.45, 1.0), (0.1, 0.9, 0.04), (1.5, 0.95, 1.0)]:
            ev = np.sort_complex(np.linalg.eigvals(iteration_matrix(lr, beta, lam, nesterov)))
            z = np.sort_complex(np.array(roots(lr, beta, lam, nesterov)))
            assert np.allclose(ev, z, atol=1e-12)


def test_rate_by_hand():
    # plain descent: |1 − ηλ|; heavy ball with complex roots: √β
    assert rate_of(1.9, 0.0, [0.04, 1.0]) == pytest.approx(0.924, abs=1e-12)
    assert rate_of(1.0, 0.95, [0.04, 1.0]) == pytest.approx(np.sqrt(0.95), abs=1e-12)
    # Nesterov at ηL = 1: the steep direction's roots are 0; the flat one's |z|² = β(1 − ημ)
    assert rate_of(1.0, 0.95, [1.0], nesterov=True) == pytest.approx(0.0, abs=1e-12)
    assert rate_of(1.0, 0.95, [0.04], nesterov=True) == pytest.approx(np.sqrt(0.95 * 0.96), abs=1e-12)
    # at Polyak's point both ends are critically damped: double roots √β*
    t = polyak(1.0, 0.04)
    assert rate_of(t.lr, t.momentum, [0.04, 1.0]) == pytest.approx(t.rate, abs=1e-7)
    # stability limits: the rate crosses 1 at η = 2(1 + β)/L and 2(1 + β)/((1 + 2β)L)
    for beta in (0.0, 0.3, 0.8):
        hb, nag = 2 * (1 + beta), 2 * (1 + beta) / (1 + 2 * beta)
        assert rate_of(hb * 0.999, beta, [1.0]) < 1 < rate_of(hb * 1.001, beta, [1.0])
        if beta:
            assert rate_of(nag * 0.999, beta, [1.0], True) < 1 < rate_of(nag * 1.001, beta, [1.0], True)


def test_critical_damping_and_the_floor():
    lr, lam = 1.0, 0.04
    bc = critical_momentum(lr, lam)
    assert bc == pytest.approx(0.64, abs=1e-12)                  # (1 − √0.04)²
    betas = np.linspace(0.0, 0.99, 199)
    r = rate_of(lr, betas, [lam])
    assert np.all(r >= np.sqrt(betas) - 1e-12)                   # never below the floor √β
    above = betas >= bc + 1e-9
    assert np.allclose(r[above], np.sqrt(betas[above]), atol=1e-12)   # on the floor: swings
    assert np.all(r[betas < bc - 1e-3] > np.sqrt(betas[betas < bc - 1e-3]) + 1e-6)
    assert abs(betas[np.argmin(r)] - bc) <= 0.005 + 1e-12        # the fastest β is critical
    assert np.isnan(critical_momentum(5.0, 1.0))


def run(lr, beta, nesterov=False, kappa=25, steps=400):
    s = bowl(condition=kappa)
    return descend(s, SGD(lr=lr, momentum=beta, nesterov=nesterov), s.start, steps)


@pytest.mark.parametrize("lr, beta, nesterov", [
    (1.9, 0.0, False), (25 / 9, 4 / 9, False), (1.0, 0.95, False), (1.0, 0.95, True),
    (1.0, 0.64, False), (1.0, 0.3, False), (2.5, 0.5, False), (0.5, 0.7, True)])
def test_measured_rate_matches_theory(lr, beta, nesterov):
    r = run(lr, beta, nesterov)
    assert r.diverged_at is None
    theory = rate_of(lr, beta, [0.04, 1.0], nesterov)
    assert measured_rate(r.gap) == pytest.approx(theory, rel=0.01)


def test_measured_rate_edge_cases():
    assert measured_rate([1.0, 0.0, 0.0]) == 0.0
    assert np.isnan(measured_rate([1.0, 0.5]))
    assert measured_rate(0.5 ** (2 * np.arange(50))) == pytest.approx(0.5, rel=1e-12)


def test_predicted_steps_match_plain_descent():
    for kappa in (10, 100):
        s = bowl(condition=kappa)
        t = best_plain(1.0, 1.0 / kappa)
        r = descend(s, SGD(lr=t.lr), s.start, 5000)
        predicted = predicted_steps(t.rate, r.gap[0])
        assert r.converged_at == pytest.approx(predicted, rel=0.05)


def test_polyak_is_the_fastest_rate_near_it():
    t = polyak(1.0, 0.04)
    lrs, betas = np.meshgrid(np.linspace(2.0, 3.2, 121), np.linspace(0.2, 0.7, 101))
    r = rate_of(lrs, betas, [0.04, 1.0])
    assert np.min(r) >= t.rate - 1e-6
    # the minimum is a sharp corner: on this grid (steps 0.01, 0.005) the best point comes
    # within 0.01 of the rate, and every point within 0.01 of it lies near Polyak's point
    assert np.min(r) <= t.rate + 0.01
    near = r <= t.rate + 0.01
    assert np.max(np.abs(lrs[near] - t.lr)) <= 0.2 and np.max(np.abs(betas[near] - t.momentum)) <= 0.02


def test_nesterov_lookahead_is_torchs_nesterov():
    s = bowl(condition=25)
    x, y, g = nesterov_lookahead(s, 0.8, 0.9, s.start, 60)
    torch_path = descend(s, SGD(lr=0.8, momentum=0.9, nesterov=True), s.start, 60).path
    assert np.max(np.abs(torch_path[:60] - y)) <= 1e-12 * np.max(np.abs(y))
    assert np.allclose(g, np.array([s.grad(p) for p in y]))
    assert np.allclose(y[1:], x[1:-1] + 0.9 * (x[1:-1] - x[:-2]))  # y = x + βv, v = x − x_prev


def test_bad_inputs_are_refused_with_the_reason():
    from course_lib.momentum_theory import best_plain
    with pytest.raises(ValueError, match="mu ≤ L"):
        best_plain(L=0.04, mu=1.0)
    with pytest.raises(ValueError, match=r"rates in \(0, 1\)"):
        predicted_steps(1.1, 1.0)
    with pytest.raises(ValueError, match=r"rates in \(0, 1\)"):
        predicted_steps(np.array([0.5, 1.0]), 1.0)
    with pytest.raises(ValueError, match="tol < gap0"):
        predicted_steps(0.5, 1e-9, tol=1e-8)
    with pytest.raises(ValueError, match="at least one curvature"):
        rate_of(0.1, 0.5, [])


def test_measured_rate_of_a_run_that_reached_zero_early_is_zero():
    # exactly 0, a round-off-level gap and a negative one (round-off) are the same outcome
    for tail in (0.0, 1e-300, -1e-17):
        assert measured_rate(np.array([1.0, 0.5, 0.25, tail] + [0.0] * 8)) == 0.0
    assert np.isnan(measured_rate(np.array([1.0, 0.5, np.nan] + [0.0] * 8)))


def test_largest_stable_lr_is_the_heavy_ball_limit():
    from course_lib.momentum_theory import largest_stable_lr
    for beta in (0.0, 0.5, 0.9):
        assert largest_stable_lr(beta, 2.0) == pytest.approx(2 * (1 + beta) / 2.0, rel=1e-12)
    # Nesterov's is lower: 2(1 + β)/((1 + 2β)L)
    assert largest_stable_lr(0.9, 1.0, nesterov=True) == pytest.approx(3.8 / 2.8, rel=1e-12)
