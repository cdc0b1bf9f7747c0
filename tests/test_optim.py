"""Unit tests of nncourse.optim: gradient descent, mini-batch SGD, loss grids and their contours."""

import numpy as np
import pytest

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from nncourse.optim import (  # noqa: E402
    GDResult,
    SGDResult,
    gradient_descent,
    loss_grid,
    minibatch_sgd,
    plot_loss_contours,
)

# A quadratic bowl L(w) = (w - w_star)^T A (w - w_star) with known minimiser and
# curvature: the Hessian 2A has eigenvalues 2 and 20, so gradient descent is
# stable exactly for eta < 2 / 20 = 0.1.
A = np.array([[1.0, 0.0], [0.0, 10.0]])
W_STAR = np.array([3.0, -2.0])


def quad_loss(w):
    d = w - W_STAR
    return float(d @ A @ d)


def quad_grad(w):
    return 2 * A @ (w - W_STAR)


# Linear least squares on fixed random data, the per-batch form minibatch_sgd needs.
def make_regression(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    w_true = np.array([1.0, -2.0, 0.5])
    y = X @ w_true + 0.1 * rng.normal(size=n)
    return X, y


def mse(w, X, y):
    return float(np.mean((X @ w - y) ** 2))


def mse_grad(w, X, y):
    return 2 / len(X) * X.T @ (X @ w - y)


# ------------------------------------------------------------ gradient_descent
def test_converges_to_the_minimiser_of_a_quadratic():
    res = gradient_descent(quad_grad, [0.0, 0.0], eta=0.05, n_steps=1000, tol=1e-8, loss_fn=quad_loss)
    assert isinstance(res, GDResult)
    assert res.status == "converged" and res.converged and not res.diverged
    np.testing.assert_allclose(res.w, W_STAR, atol=1e-8)
    assert res.grad_norms[-1] <= 1e-8
    assert res.losses[-1] < 1e-15
    # the path starts at w0, ends at w, and has one row per update plus one
    np.testing.assert_array_equal(res.path[0], [0.0, 0.0])
    np.testing.assert_array_equal(res.path[-1], res.w)
    assert res.path.shape == (res.n_steps + 1, 2)
    assert len(res.losses) == len(res.grad_norms) == res.n_steps + 1
    # well below the critical step size the loss never goes up
    assert np.all(np.diff(res.losses) <= 0)


def test_one_step_is_the_update_rule():
    w0 = np.array([1.0, 1.0])
    res = gradient_descent(quad_grad, w0, eta=0.01, n_steps=1, tol=0)
    np.testing.assert_allclose(res.path[1], w0 - 0.01 * quad_grad(w0))
    assert res.status == "max_steps" and res.n_steps == 1


def test_w0_is_not_modified_and_any_shape_works():
    w0 = np.zeros((2, 1))
    res = gradient_descent(lambda w: 2 * (w - 1.0), w0, eta=0.1, n_steps=500)
    assert np.all(w0 == 0)
    assert res.w.shape == (2, 1) and res.path.shape[1:] == (2, 1)
    np.testing.assert_allclose(res.w, 1.0, atol=1e-6)


def test_stops_at_max_steps_when_no_tolerance_is_met():
    res = gradient_descent(quad_grad, [0.0, 0.0], eta=1e-4, n_steps=25, tol=1e-12)
    assert res.status == "max_steps" and not res.converged
    assert res.n_steps == 25
    assert "n_steps=25" in res.message


def test_gradient_tolerance_stops_early():
    loose = gradient_descent(quad_grad, [0.0, 0.0], eta=0.05, n_steps=10_000, tol=1e-2)
    tight = gradient_descent(quad_grad, [0.0, 0.0], eta=0.05, n_steps=10_000, tol=1e-10)
    assert loose.converged and tight.converged
    assert loose.n_steps < tight.n_steps
    assert loose.grad_norms[-1] <= 1e-2 < loose.grad_norms[-2]


def test_loss_tolerance_stops_when_the_loss_stalls():
    res = gradient_descent(quad_grad, [0.0, 0.0], eta=0.05, n_steps=10_000, tol=0,
                           loss_fn=quad_loss, loss_tol=1e-6)
    assert res.converged and "loss_tol" in res.message
    assert abs(res.losses[-1] - res.losses[-2]) <= 1e-6
    assert np.all(np.abs(np.diff(res.losses[:-1])) > 1e-6)


def test_starting_at_the_minimum_makes_no_step():
    res = gradient_descent(quad_grad, W_STAR, eta=0.05, n_steps=10)
    assert res.converged and res.n_steps == 0


def test_too_large_eta_diverges_and_is_flagged():
    # 2 / lambda_max = 0.1: eta = 0.11 makes the steep direction grow by |1 - 0.11 * 20| = 1.2 per step
    res = gradient_descent(quad_grad, [0.0, 0.0], eta=0.11, n_steps=10_000, loss_fn=quad_loss)
    assert res.status == "diverged" and res.diverged and not res.converged
    assert "diverged at step" in res.message and "eta=0.11" in res.message
    assert np.all(np.isfinite(res.path)) and np.all(np.isfinite(res.losses))
    assert res.losses[-1] > 100 * res.losses[0]
    assert res.n_steps < 10_000  # stopped long before n_steps


def test_divergence_to_overflow_gives_no_nan_and_no_warning():
    # growth by a factor 1e10 per step overflows float64 within a few dozen steps
    with np.errstate(all="raise"):  # any numpy warning would become an error here
        res = gradient_descent(lambda w: -1e10 * w, [1.0], eta=1.0, n_steps=1000,
                               divergence_factor=1e300)
    assert res.diverged and "no longer finite" in res.message
    assert np.all(np.isfinite(res.path))


def test_divergence_without_loss_fn_watches_the_gradient():
    res = gradient_descent(quad_grad, [0.0, 0.0], eta=0.15, n_steps=10_000)
    assert res.diverged and res.losses is None
    assert "the gradient norm grew to" in res.message


def test_slightly_below_the_critical_eta_converges():
    res = gradient_descent(quad_grad, [0.0, 0.0], eta=0.099, n_steps=20_000, tol=1e-8, loss_fn=quad_loss)
    assert res.converged
    np.testing.assert_allclose(res.w, W_STAR, atol=1e-7)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(eta=0.0), "eta must be a positive"),
        (dict(eta=-0.1), "eta must be a positive"),
        (dict(eta=float("nan")), "eta must be a positive"),
        (dict(eta="0.1"), "eta must be a positive"),
        (dict(n_steps=0), "n_steps must be a positive integer"),
        (dict(n_steps=2.5), "n_steps must be a positive integer"),
        (dict(n_steps=True), "n_steps must be a positive integer"),
        (dict(tol=-1.0), "tol must be a non-negative"),
        (dict(loss_tol=1e-3), "loss_tol needs loss_fn"),
        (dict(loss_fn=quad_loss, loss_tol=-1.0), "loss_tol must be a non-negative"),
        (dict(w0=[np.nan, 0.0]), "w0 contains NaN"),
        (dict(w0=[]), "w0 is empty"),
        (dict(w0=["a", "b"]), "w0 must be an array of numbers"),
        (dict(grad_fn=None), "grad_fn must be a function"),
        (dict(grad_fn=lambda w: np.zeros(3)), r"gradient of shape \(3,\)"),
        (dict(loss_fn=lambda w: w), "loss_fn must return a single number"),
        (dict(divergence_factor=0), "divergence_factor must be a positive"),
    ],
)
def test_gradient_descent_rejects_bad_arguments(kwargs, match):
    args = dict(grad_fn=quad_grad, w0=[0.0, 0.0], eta=0.05, n_steps=10)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        gradient_descent(**args)


# ---------------------------------------------------------------- minibatch_sgd
def test_batch_size_n_equals_full_batch_gradient_descent():
    X, y = make_regression()
    w0 = np.zeros(3)
    sgd = minibatch_sgd(mse_grad, w0, X, y, eta=0.1, n_epochs=30, batch_size=len(X), rng=0, loss_fn=mse)
    gd = gradient_descent(lambda w: mse_grad(w, X, y), w0, eta=0.1, n_steps=30, tol=0,
                          loss_fn=lambda w: mse(w, X, y))
    assert isinstance(sgd, SGDResult) and sgd.status == "max_steps"
    np.testing.assert_array_equal(sgd.updates, np.arange(31))
    np.testing.assert_allclose(sgd.epochs, np.arange(31))
    # the same iterates; only the order of the sum inside the gradient differs
    np.testing.assert_allclose(sgd.path, gd.path, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sgd.losses, gd.losses, rtol=1e-10)


def test_sgd_reaches_the_least_squares_solution():
    X, y = make_regression()
    w_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    res = minibatch_sgd(mse_grad, np.zeros(3), X, y, eta=0.05, n_epochs=50, batch_size=10, rng=1, loss_fn=mse)
    np.testing.assert_allclose(res.w, w_ls, atol=0.02)
    assert res.losses[-1] < 1.1 * mse(w_ls, X, y)


def test_same_seed_same_run_other_seed_other_run():
    X, y = make_regression()
    kw = dict(eta=0.05, n_epochs=3, batch_size=7, loss_fn=mse)
    a = minibatch_sgd(mse_grad, np.zeros(3), X, y, rng=np.random.default_rng(5), **kw)
    b = minibatch_sgd(mse_grad, np.zeros(3), X, y, rng=np.random.default_rng(5), **kw)
    c = minibatch_sgd(mse_grad, np.zeros(3), X, y, rng=np.random.default_rng(6), **kw)
    np.testing.assert_array_equal(a.path, b.path)
    assert not np.allclose(a.path[1:], c.path[1:])


def test_bookkeeping_of_updates_epochs_and_times():
    X, y = make_regression(n=100)
    res = minibatch_sgd(mse_grad, np.zeros(3), X, y, eta=0.01, n_epochs=2, batch_size=30,
                        rng=0, loss_fn=mse, evals_per_epoch=2)
    # 100 examples in batches of 30: 4 updates per epoch (the last one of 10 examples)
    np.testing.assert_array_equal(res.updates, [0, 2, 4, 6, 8])
    np.testing.assert_allclose(res.epochs, [0, 0.5, 1, 1.5, 2])
    assert res.times[0] == 0 and np.all(np.diff(res.times) >= 0)
    assert res.path.shape == (5, 3) and res.losses.shape == (5,)
    # more evaluations than updates: one per update
    res = minibatch_sgd(mse_grad, np.zeros(3), X, y, eta=0.01, n_epochs=1, batch_size=50,
                        rng=0, evals_per_epoch=10)
    np.testing.assert_array_equal(res.updates, [0, 1, 2])
    assert res.losses is None


def test_batch_of_one_visits_every_example_once_per_epoch():
    seen = []

    def grad(w, Xb, yb):
        seen.extend(Xb[:, 0].tolist())
        return np.zeros_like(w)

    X = np.arange(12.0).reshape(-1, 1)
    minibatch_sgd(grad, [0.0], X, np.zeros(12), eta=0.1, n_epochs=2, batch_size=1, rng=3)
    assert sorted(seen[:12]) == list(range(12)) and sorted(seen[12:]) == list(range(12))
    assert seen[:12] != seen[12:]  # reshuffled between epochs


def test_sgd_too_large_eta_diverges_and_is_flagged():
    X, y = make_regression()
    res = minibatch_sgd(mse_grad, np.zeros(3), X, y, eta=5.0, n_epochs=50, batch_size=20, rng=0, loss_fn=mse)
    assert res.status == "diverged" and res.diverged
    assert "diverged by update" in res.message and "batch_size=20" in res.message
    assert np.all(np.isfinite(res.w)) and np.all(np.isfinite(res.losses))
    assert res.epochs[-1] < 50


def test_sgd_divergence_without_loss_fn_is_flagged_not_nan():
    X, y = make_regression()
    with np.errstate(all="raise"):
        res = minibatch_sgd(mse_grad, np.zeros(3), X, y, eta=50.0, n_epochs=200, batch_size=1, rng=0)
    assert res.diverged and "no longer finite" in res.message
    assert np.all(np.isfinite(res.w))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(eta=0), "eta must be a positive"),
        (dict(n_epochs=0), "n_epochs must be a positive integer"),
        (dict(batch_size=0), "batch_size must be a positive integer"),
        (dict(batch_size=1.0), "batch_size must be a positive integer"),
        (dict(batch_size=201), "batch_size=201 is larger than the number of examples n=200"),
        (dict(rng=None), "rng must be a numpy.random.Generator"),
        (dict(rng=np.random.RandomState(0)), "rng must be a numpy.random.Generator"),
        (dict(evals_per_epoch=0), "evals_per_epoch must be a positive integer"),
        (dict(y=np.zeros(199)), "X has 200 examples but y has 199"),
        (dict(X=np.zeros((0, 3)), y=np.zeros(0)), "X holds no examples"),
        (dict(w0=[0.0, np.inf, 0.0]), "w0 contains NaN"),
        (dict(grad_fn=lambda w, Xb, yb: np.zeros(2)), r"gradient of shape \(2,\)"),
        (dict(loss_fn="mse"), "loss_fn must be a function"),
    ],
)
def test_minibatch_sgd_rejects_bad_arguments(kwargs, match):
    X, y = make_regression()
    args = dict(grad_fn=mse_grad, w0=np.zeros(3), X=X, y=y, eta=0.1, n_epochs=1, batch_size=10, rng=0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        minibatch_sgd(**args)


# --------------------------------------------------------------------- loss_grid
def test_loss_grid_layout_matches_meshgrid():
    w1 = np.linspace(0, 6, 7)
    w2 = np.linspace(-4, 0, 5)
    L = loss_grid(quad_loss, w1, w2)
    W1, W2 = np.meshgrid(w1, w2)
    expected = (W1 - 3) ** 2 + 10 * (W2 + 2) ** 2
    assert L.shape == (5, 7)
    np.testing.assert_allclose(L, expected)
    assert L[2, 3] == 0  # the minimiser (3, -2) sits on the grid


@pytest.mark.parametrize(
    "args, match",
    [
        ((quad_loss, [1.0], [0.0, 1.0]), "w1_values must be a 1-D array of at least 2"),
        ((quad_loss, [0.0, 1.0], np.zeros((2, 2))), "w2_values must be a 1-D array"),
        ((quad_loss, [0.0, np.nan], [0.0, 1.0]), "w1_values contains NaN"),
        ((None, [0.0, 1.0], [0.0, 1.0]), "loss_fn must be a function"),
        ((lambda w: w, [0.0, 1.0], [0.0, 1.0]), "loss_fn must return a single number"),
    ],
)
def test_loss_grid_rejects_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        loss_grid(*args)


# ------------------------------------------------------------ plot_loss_contours
def test_plot_loss_contours_draws_levels_above_the_minimum():
    w1 = np.linspace(0, 6, 31)
    w2 = np.linspace(-4, 0, 21)
    L = loss_grid(quad_loss, w1, w2)
    fig, ax = plt.subplots()
    try:
        cs = plot_loss_contours(ax, w1, w2, L, n_levels=8, minimum=W_STAR, labels=("a", "b"))
        assert len(cs.levels) == 8
        assert L.min() < cs.levels[0] < cs.levels[-1] <= L.max() + 1e-9
        assert np.all(np.diff(np.log(cs.levels - L.min())) > 0)  # geometric spacing
        assert ax.get_xlabel() == "a" and ax.get_ylabel() == "b"
        assert ax.get_xlim() == (0, 6) and ax.get_ylim() == (-4, 0)
        assert len(ax.lines) == 1  # the cross at the minimum
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(L_grid=np.zeros((3, 4)) + np.arange(4)), r"L_grid has shape \(3, 4\), expected"),
        (dict(L_grid=np.ones((4, 3))), "L_grid is constant"),
        (dict(L_grid=np.full((4, 3), np.nan)), "L_grid contains NaN"),
        (dict(n_levels=1), "n_levels must be at least 2"),
        (dict(n_levels=2.5), "n_levels must be a positive integer"),
        (dict(minimum=[1.0, 2.0, 3.0]), "minimum must be a point"),
    ],
)
def test_plot_loss_contours_rejects_bad_arguments(kwargs, match):
    w1, w2 = np.linspace(0, 1, 3), np.linspace(0, 1, 4)
    args = dict(w1_values=w1, w2_values=w2, L_grid=np.add.outer(w2, w1))
    args.update(kwargs)
    fig, ax = plt.subplots()
    try:
        with pytest.raises(ValueError, match=match):
            plot_loss_contours(ax, **args)
    finally:
        plt.close(fig)


# ------------------------------------------- momentum, Adam and schedules
from sklearn.neural_network._stochastic_optimizers import (  # noqa: E402
    AdamOptimizer,
    SGDOptimizer,
)

from nncourse.optim import adam_step, descend, inverse_scaling, momentum_step  # noqa: E402


def _gradient_sequence(n=6, shape=(3,), seed=1):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) for _ in range(n)]


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("mu", [0.0, 0.5, 0.9])
def test_momentum_step_equals_scikit_learn_sgd_optimizer(nesterov, mu):
    w0 = np.array([0.3, -1.0, 2.0])
    theta = w0.copy()
    opt = SGDOptimizer([theta], learning_rate_init=0.05, momentum=mu, nesterov=nesterov)
    w, v = w0.copy(), np.zeros(3)
    for g in _gradient_sequence():
        opt.update_params([theta], [g])
        w, v = momentum_step(w, v, g, eta=0.05, momentum=mu, nesterov=nesterov)
        np.testing.assert_allclose(w, theta, rtol=0, atol=1e-14)


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.0, 0.999), (0.5, 0.9)])
def test_adam_step_equals_scikit_learn_adam_optimizer(betas):
    b1, b2 = betas
    w0 = np.array([0.3, -1.0, 2.0])
    theta = w0.copy()
    opt = AdamOptimizer([theta], learning_rate_init=0.01, beta_1=b1, beta_2=b2, epsilon=1e-8)
    w, m, v = w0.copy(), np.zeros(3), np.zeros(3)
    for t, g in enumerate(_gradient_sequence(), start=1):
        opt.update_params([theta], [g])
        w, m, v = adam_step(w, m, v, g, t, eta=0.01, beta_1=b1, beta_2=b2, epsilon=1e-8)
        np.testing.assert_allclose(w, theta, rtol=0, atol=1e-14)


def test_adam_first_step_has_length_eta_in_every_coordinate():
    # bias correction: m_1 / sqrt(v_1) = g / |g|, so each coordinate moves by eta
    w, _, _ = adam_step(np.zeros(3), np.zeros(3), np.zeros(3), np.array([1e-2, -5.0, 40.0]), 1, eta=0.1)
    np.testing.assert_allclose(np.abs(w), 0.1, rtol=1e-4)


def test_momentum_step_does_not_modify_its_inputs():
    w, v, g = np.ones(2), np.ones(2), np.ones(2)
    momentum_step(w, v, g, eta=0.1, momentum=0.9, nesterov=True)
    assert np.all(w == 1) and np.all(v == 1) and np.all(g == 1)


def test_descend_gd_equals_gradient_descent():
    a = descend(quad_grad, [0.0, 0.0], method="gd", eta=0.05, n_steps=30, loss_fn=quad_loss)
    b = gradient_descent(quad_grad, [0.0, 0.0], eta=0.05, n_steps=30, tol=0, loss_fn=quad_loss)
    np.testing.assert_allclose(a.path, b.path)
    np.testing.assert_allclose(a.losses, b.losses)
    assert a.status == "max_steps" and a.n_steps == 30


@pytest.mark.parametrize("method", ["gd", "momentum", "nesterov", "adam"])
def test_descend_reaches_the_minimum(method):
    eta = 0.1 if method == "adam" else 0.02
    res = descend(quad_grad, [0.0, 0.0], method=method, eta=eta, n_steps=2000, loss_fn=quad_loss)
    np.testing.assert_allclose(res.w, W_STAR, atol=1e-3)
    assert len(res.path) == 2001 and len(res.losses) == 2001


def test_descend_momentum_path_follows_momentum_step():
    res = descend(quad_grad, [0.0, 0.0], method="momentum", eta=0.02, momentum=0.8, n_steps=5)
    w, v = np.zeros(2), np.zeros(2)
    for t in range(5):
        w, v = momentum_step(w, v, quad_grad(w), eta=0.02, momentum=0.8)
        np.testing.assert_allclose(res.path[t + 1], w)


def test_descend_detects_divergence():
    res = descend(quad_grad, [0.0, 0.0], method="momentum", eta=0.2, n_steps=500, loss_fn=quad_loss)
    assert res.diverged and "diverged at step" in res.message
    assert np.all(np.isfinite(res.path))


@pytest.mark.parametrize("kwargs", [dict(method="rmsprop"), dict(eta=0), dict(momentum=1.0),
                                    dict(beta_1=1.0), dict(beta_2=-0.1), dict(epsilon=0),
                                    dict(n_steps=0)])
def test_descend_rejects_bad_settings(kwargs):
    settings = dict(method="adam", eta=0.1, n_steps=5) | kwargs
    with pytest.raises(ValueError):
        descend(quad_grad, [0.0, 0.0], **settings)


def test_inverse_scaling_formula_and_per():
    s = inverse_scaling(0.5, 0.5)
    assert s(0) == 0.5 and s(3) == pytest.approx(0.25)
    per_epoch = inverse_scaling(1.0, 1.0, per=10)
    assert [per_epoch(t) for t in (0, 9, 10, 19, 20)] == pytest.approx([1, 1, 1 / 11, 1 / 11, 1 / 21])
    assert inverse_scaling(1.0, 1.0, t0=100)(100) == pytest.approx(0.5)
    for bad in (dict(eta0=0.0), dict(eta0=1.0, power_t=-1), dict(eta0=1.0, t0=0), dict(eta0=1.0, per=0)):
        with pytest.raises(ValueError):
            inverse_scaling(**bad)


def test_minibatch_sgd_accepts_a_schedule():
    X, y = make_regression()
    seen = []

    def schedule(t):
        seen.append(t)
        return 0.05

    a = minibatch_sgd(mse_grad, np.zeros(3), X, y, eta=schedule, n_epochs=2, batch_size=50, rng=0)
    b = minibatch_sgd(mse_grad, np.zeros(3), X, y, eta=0.05, n_epochs=2, batch_size=50, rng=0)
    np.testing.assert_allclose(a.w, b.w)
    assert seen == list(range(8))
    with pytest.raises(ValueError, match="schedule"):
        minibatch_sgd(mse_grad, np.zeros(3), X, y, eta=lambda t: 0.0, n_epochs=1, batch_size=50, rng=0)


# ------------------------------------------- momentum on a quadratic: rates and ceilings
from nncourse.optim import momentum_ceiling, momentum_matrix, momentum_rate  # noqa: E402

# quad_loss has Hessian 2A: eigenvalues 2 and 20, eigenvectors the two axes.
LAMS = np.array([2.0, 20.0])


def _fitted_rate(path, first):
    """Geometric rate of ||w_t - W_STAR|| fitted (log-linear least squares) from step `first`
    until it first falls below 1e-9 (further down, rounding errors take over)."""
    d = np.linalg.norm(path - W_STAR, axis=1)
    below = np.flatnonzero(d < 1e-9)
    d = d[first:below[0] if below.size else len(d)]
    return float(np.exp(np.polyfit(np.arange(len(d)), np.log(d), 1)[0]))


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_matrix_is_one_momentum_step_along_a_curvature(nesterov):
    lam, w_star = 20.0, 3.0                  # L = lam / 2 (w - 3)^2, gradient lam (w - 3)
    w, v = np.array([1.0]), np.zeros(1)
    state = np.array([w[0] - w_star, 0.0])
    M = momentum_matrix(lam, eta=0.04, momentum=0.7, nesterov=nesterov)
    for _ in range(6):
        w, v = momentum_step(w, v, lam * (w - w_star), eta=0.04, momentum=0.7, nesterov=nesterov)
        state = M @ state
        np.testing.assert_allclose(state, [w[0] - w_star, v[0]], rtol=0, atol=1e-13)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_matrix_predicts_scikit_learns_sgd_optimizer(nesterov):
    theta = np.zeros(2)
    opt = SGDOptimizer([theta], learning_rate_init=0.04, momentum=0.9, nesterov=nesterov)
    for _ in range(40):
        opt.update_params([theta], [quad_grad(theta)])
    for axis, lam in enumerate(LAMS):       # the axes are the eigenvectors
        M = momentum_matrix(lam, eta=0.04, momentum=0.9, nesterov=nesterov)
        e0 = 0.0 - W_STAR[axis]
        predicted = (np.linalg.matrix_power(M, 40) @ [e0, 0.0])[0]
        assert theta[axis] - W_STAR[axis] == pytest.approx(predicted, rel=1e-9, abs=1e-12)


def test_momentum_rate_without_momentum_is_gradient_descents_factor():
    for eta in (0.01, 0.07, 0.099, 0.12):
        assert momentum_rate(LAMS, eta=eta, momentum=0.0) == pytest.approx(np.abs(1 - eta * LAMS).max())
        assert momentum_rate(LAMS, eta=eta, momentum=0.0, nesterov=True) == pytest.approx(
            np.abs(1 - eta * LAMS).max())


def test_heavy_ball_rate_is_sqrt_momentum_when_every_root_is_complex():
    # roots complex when (1 + mu - eta lam)^2 < 4 mu; their modulus is then sqrt(det) = sqrt(mu)
    assert momentum_rate(LAMS, eta=0.05, momentum=0.9) == pytest.approx(np.sqrt(0.9))
    # Nesterov's determinant is mu (1 - eta lam): smaller, so it is faster at the same setting
    assert momentum_rate(LAMS, eta=0.05, momentum=0.9, nesterov=True) < np.sqrt(0.9)


def test_polyaks_optimal_heavy_ball_rate():
    lo, hi = LAMS
    kappa = hi / lo
    eta = 4 / (np.sqrt(hi) + np.sqrt(lo)) ** 2
    mu = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    assert momentum_rate(LAMS, eta=eta, momentum=mu) == pytest.approx(
        (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1), rel=1e-6)


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("mu", [0.0, 0.5, 0.9, 0.99])
def test_the_ceiling_is_where_the_rate_crosses_one(nesterov, mu):
    ceiling = momentum_ceiling(LAMS.max(), momentum=mu, nesterov=nesterov)
    assert momentum_rate(LAMS, eta=0.999 * ceiling, momentum=mu, nesterov=nesterov) < 1
    assert momentum_rate(LAMS, eta=1.001 * ceiling, momentum=mu, nesterov=nesterov) > 1


def test_ceiling_formulas():
    assert momentum_ceiling(20.0, momentum=0.0) == pytest.approx(0.1)
    assert momentum_ceiling(20.0, momentum=0.9) == pytest.approx(2 * 1.9 / 20)
    assert momentum_ceiling(20.0, momentum=0.9, nesterov=True) == pytest.approx(2 * 1.9 / (2.8 * 20))


@pytest.mark.parametrize("method", ["momentum", "nesterov"])
def test_descend_shrinks_the_error_at_the_derived_rate(method):
    nesterov = method == "nesterov"
    for eta, mu in [(0.03, 0.9), (0.02, 0.5), (0.05, 0.3)]:
        res = descend(quad_grad, [0.0, 0.0], method=method, eta=eta, momentum=mu, n_steps=300)
        rate = momentum_rate(LAMS, eta=eta, momentum=mu, nesterov=nesterov)
        assert _fitted_rate(res.path, first=50) == pytest.approx(rate, abs=2e-3)


@pytest.mark.parametrize("method", ["momentum", "nesterov"])
def test_descend_diverges_just_above_the_ceiling_only(method):
    ceiling = momentum_ceiling(LAMS.max(), momentum=0.9, nesterov=method == "nesterov")
    below = descend(quad_grad, [0.0, 0.0], method=method, eta=0.98 * ceiling, n_steps=3000, loss_fn=quad_loss)
    above = descend(quad_grad, [0.0, 0.0], method=method, eta=1.02 * ceiling, n_steps=3000, loss_fn=quad_loss)
    assert not below.diverged and below.losses[-1] < 1e-6
    assert above.diverged


@pytest.mark.parametrize("call", [
    lambda: momentum_matrix(-1.0, eta=0.1, momentum=0.5),
    lambda: momentum_matrix(1.0, eta=0.0, momentum=0.5),
    lambda: momentum_matrix(1.0, eta=0.1, momentum=1.0),
    lambda: momentum_rate([], eta=0.1, momentum=0.5),
    lambda: momentum_ceiling(0.0, momentum=0.5),
    lambda: momentum_ceiling(1.0, momentum=-0.1),
])
def test_momentum_helpers_reject_bad_arguments(call):
    with pytest.raises(ValueError):
        call()
