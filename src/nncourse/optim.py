"""Gradient descent as the lectures write it, with its stopping rules.

Full-batch gradient descent repeats one update,

.. math::  w_{t+1} = w_t - \\eta \\, \\nabla L(w_t),

until a stopping rule fires (:func:`gradient_descent`). Mini-batch stochastic
gradient descent makes the same update with the gradient of the loss on a
random batch of examples, reshuffling the data every epoch
(:func:`minibatch_sgd`; ``batch_size=1`` is plain SGD, ``batch_size=n`` is
full-batch gradient descent again). :func:`loss_grid` evaluates a loss on a
grid of two parameters, and :func:`plot_loss_contours` draws it as contour
lines on which optimisation paths can be traced.

Both optimisers detect divergence and say so, instead of returning NaN: a run
counts as *diverged* as soon as the parameters, the gradient or the loss stop
being finite numbers, or the loss grows above ``divergence_factor`` times its
starting value (losses in this course, MSE and cross-entropy, are never
negative). The run then stops, keeps the last finite parameters (for
:func:`minibatch_sgd`, those of its last evaluation, where it checks), and
its result has ``status == "diverged"`` and a ``message`` that names the step.

Lecture 6 adds the optimisers scikit-learn's ``MLPClassifier`` offers, written
the way scikit-learn writes them (``sklearn/neural_network/_stochastic_optimizers.py``):
one update of (Nesterov) momentum (:func:`momentum_step`) and of Adam
(:func:`adam_step`), a loop that runs any of them on a gradient function
(:func:`descend`), and the ``'invscaling'`` learning-rate schedule
(:func:`inverse_scaling`), which :func:`minibatch_sgd` accepts as its ``eta``.
On a quadratic loss, momentum is a linear iteration: :func:`momentum_matrix`
is its 2x2 matrix along one eigen-direction of the Hessian,
:func:`momentum_rate` the spectral radius that sets the speed of convergence,
and :func:`momentum_ceiling` the largest stable learning rate.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "GDResult",
    "SGDResult",
    "adam_step",
    "descend",
    "gradient_descent",
    "inverse_scaling",
    "minibatch_sgd",
    "momentum_ceiling",
    "momentum_matrix",
    "momentum_rate",
    "momentum_step",
    "loss_grid",
    "plot_loss_contours",
]

STATUSES = ("converged", "max_steps", "diverged")


# ---------------------------------------------------------------- validation
def _positive_number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def _non_negative_number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative finite number, got {value!r}")
    return float(value)


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _initial_point(w0) -> np.ndarray:
    try:
        w = np.array(w0, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"w0 must be an array of numbers, got {w0!r}") from exc
    if w.size == 0:
        raise ValueError("w0 is empty: there are no parameters to optimise")
    if not np.all(np.isfinite(w)):
        raise ValueError("w0 contains NaN or infinite values")
    return w


def _checked_gradient(grad_fn, w: np.ndarray, *args) -> np.ndarray:
    g = np.asarray(grad_fn(w, *args), dtype=float)
    if g.shape != w.shape:
        raise ValueError(f"grad_fn returned a gradient of shape {g.shape} for parameters of shape {w.shape}")
    return g


def _checked_loss(loss_fn, w: np.ndarray, *args) -> float:
    value = np.asarray(loss_fn(w, *args), dtype=float)
    if value.shape != ():
        raise ValueError(f"loss_fn must return a single number, got an array of shape {value.shape}")
    return float(value)


class _Watch:
    """Decides when a run has diverged (see the module docstring)."""

    def __init__(self, factor: float, start: float):
        self.limit = factor * start if start > 0 else np.inf

    def problem(self, *, w, g=None, loss=None, name: str = "loss") -> str | None:
        """Why the run has diverged (``loss`` is the watched number, called ``name``), or None."""
        if not np.all(np.isfinite(w)):
            return "the parameters are no longer finite"
        if g is not None and not np.all(np.isfinite(g)):
            return "the gradient is no longer finite"
        if loss is not None:
            if not np.isfinite(loss):
                return f"the {name} is no longer finite ({loss})"
            if loss > self.limit:
                return f"the {name} grew to {loss:.4g}, above {self.limit:.4g}"
        return None


# ------------------------------------------------------------------- results
@dataclass(frozen=True)
class GDResult:
    """What :func:`gradient_descent` returns.

    Attributes
    ----------
    w
        The last parameters reached (the last finite ones if the run diverged).
    path
        Every point visited, ``path[0] == w0`` and ``path[-1] == w``; shape
        ``(n_steps + 1, *w0.shape)``.
    losses
        ``loss_fn`` at every point of ``path``, or ``None`` without ``loss_fn``.
    grad_norms
        Euclidean norm of the gradient at every point of ``path``.
    status
        ``"converged"`` (a tolerance was met), ``"max_steps"`` (``n_steps``
        updates made, no tolerance met) or ``"diverged"``.
    message
        One sentence saying why the run stopped.
    """

    w: np.ndarray
    path: np.ndarray
    losses: np.ndarray | None
    grad_norms: np.ndarray
    status: str
    message: str

    @property
    def n_steps(self) -> int:
        """Number of updates made."""
        return len(self.path) - 1

    @property
    def converged(self) -> bool:
        return self.status == "converged"

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"


@dataclass(frozen=True)
class SGDResult:
    """What :func:`minibatch_sgd` returns; one entry per evaluation.

    The loss is evaluated on the *whole* of ``X, y`` before training and then
    ``evals_per_epoch`` times per epoch, so runs with different batch sizes are
    compared on the same footing.

    Attributes
    ----------
    w
        The last parameters reached (if the run diverged: those of the last
        evaluation before it did).
    epochs
        Training progress at each evaluation, in epochs (passes over the data);
        starts at 0.
    updates
        Number of parameter updates made before each evaluation.
    times
        Seconds spent training before each evaluation, measured with
        :func:`time.perf_counter`. Evaluating the loss is *not* counted.
    losses
        Loss on all of ``X, y`` at each evaluation, or ``None`` without ``loss_fn``.
    path
        The parameters at each evaluation, shape ``(len(epochs), *w0.shape)``.
    status
        ``"max_steps"`` (all epochs done) or ``"diverged"``.
    message
        One sentence saying why the run stopped.
    """

    w: np.ndarray
    epochs: np.ndarray
    updates: np.ndarray
    times: np.ndarray
    losses: np.ndarray | None
    path: np.ndarray
    status: str
    message: str

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"


# ------------------------------------------------------------ full batch GD

def _evaluate(grad_fn, loss_fn, watch, w_new):
    """Gradient, loss and gradient norm at a new point, and the divergence watch's verdict on them."""
    g = _checked_gradient(grad_fn, w_new) if np.all(np.isfinite(w_new)) else np.full_like(w_new, np.nan)
    loss = _checked_loss(loss_fn, w_new) if loss_fn is not None else None
    g_norm = float(np.linalg.norm(g))
    if loss_fn is not None:
        problem = watch.problem(w=w_new, g=g, loss=loss)
    else:
        problem = watch.problem(w=w_new, g=g, loss=g_norm, name="gradient norm")
    return g, loss, g_norm, problem


def gradient_descent(
    grad_fn: Callable[[np.ndarray], np.ndarray],
    w0,
    eta: float,
    n_steps: int,
    tol: float = 1e-6,
    *,
    loss_fn: Callable[[np.ndarray], float] | None = None,
    loss_tol: float | None = None,
    divergence_factor: float = 1e3,
) -> GDResult:
    """Minimise a function by full-batch gradient descent, ``w <- w - eta * grad_fn(w)``.

    Parameters
    ----------
    grad_fn
        ``grad_fn(w)`` returns the gradient of the loss at ``w``, an array of
        the same shape as ``w``.
    w0
        Starting parameters (any shape; copied, never modified).
    eta
        Learning rate (step size), a positive number.
    n_steps
        Stopping rule 1: the largest number of updates to make.
    tol
        Stopping rule 2: stop when the gradient norm ``||grad_fn(w)||`` is at
        most ``tol``. ``tol=0`` switches this rule off.
    loss_fn
        Optional ``loss_fn(w)``: the loss is then recorded at every point and
        watched for divergence.
    loss_tol
        Stopping rule 3 (needs ``loss_fn``): stop when one update changes the
        loss by at most ``loss_tol``.
    divergence_factor
        The run is stopped and flagged as diverged when the loss (or, without
        ``loss_fn``, the gradient norm) exceeds this factor times its starting
        value, or when anything stops being finite.

    Returns
    -------
    GDResult
        Final parameters, the whole path, losses, gradient norms and why it stopped.

    Raises
    ------
    ValueError
        For a non-positive ``eta``, ``n_steps`` that is not a positive integer,
        a negative ``tol``/``loss_tol``, ``loss_tol`` without ``loss_fn``, a
        non-finite ``w0``, or a gradient whose shape differs from ``w0``'s.

    Examples
    --------
    >>> res = gradient_descent(lambda w: 2 * (w - 3.0), w0=[0.0], eta=0.25, n_steps=100)
    >>> res.status, round(float(res.w[0]), 6)
    ('converged', 3.0)
    """
    if not callable(grad_fn):
        raise ValueError(f"grad_fn must be a function of w, got {grad_fn!r}")
    if loss_fn is not None and not callable(loss_fn):
        raise ValueError(f"loss_fn must be a function of w or None, got {loss_fn!r}")
    eta = _positive_number("eta", eta)
    n_steps = _positive_int("n_steps", n_steps)
    tol = _non_negative_number("tol", tol)
    if loss_tol is not None:
        if loss_fn is None:
            raise ValueError("loss_tol needs loss_fn: the loss change cannot be measured without the loss")
        loss_tol = _non_negative_number("loss_tol", loss_tol)
    divergence_factor = _positive_number("divergence_factor", divergence_factor)
    w = _initial_point(w0)

    # The run itself reports overflow as divergence, so numpy need not warn.
    with np.errstate(over="ignore", invalid="ignore"):
        g = _checked_gradient(grad_fn, w)
        loss = _checked_loss(loss_fn, w) if loss_fn is not None else None
        g_norm = float(np.linalg.norm(g))
        watch = _Watch(divergence_factor, loss if loss is not None else g_norm)
        problem = watch.problem(w=w, g=g, loss=loss)
        if problem is not None:
            raise ValueError(f"cannot start at w0: {problem}")
        path, losses, norms = [w.copy()], [loss], [g_norm]
        status = message = None
        for t in range(1, n_steps + 1):
            if g_norm <= tol:
                break
            w_new = w - eta * g
            g, loss, g_norm, problem = _evaluate(grad_fn, loss_fn, watch, w_new)
            if problem is not None:
                status = "diverged"
                message = (f"diverged at step {t} with eta={eta:g}: {problem}; "
                           f"stopped and kept the parameters of step {t - 1}")
                break
            w = w_new
            path.append(w.copy())
            losses.append(loss)
            norms.append(g_norm)
            if loss_tol is not None and abs(losses[-1] - losses[-2]) <= loss_tol:
                status = "converged"
                message = f"converged after {t} steps: the loss changed by at most loss_tol={loss_tol:g}"
                break
        if status is None:
            steps = len(path) - 1
            if g_norm <= tol:
                status = "converged"
                message = f"converged after {steps} steps: gradient norm {g_norm:.3g} <= tol={tol:g}"
            else:
                status = "max_steps"
                message = (f"stopped after n_steps={steps} steps without meeting a tolerance "
                           f"(gradient norm {g_norm:.3g})")
    return GDResult(
        w=w,
        path=np.array(path),
        losses=np.array(losses, dtype=float) if loss_fn is not None else None,
        grad_norms=np.array(norms),
        status=status,
        message=message,
    )


# --------------------------------------------------------- mini-batch SGD
def minibatch_sgd(
    grad_fn: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    w0,
    X,
    y,
    *,
    eta: float,
    n_epochs: int,
    batch_size: int,
    rng: np.random.Generator | int,
    loss_fn: Callable[[np.ndarray, np.ndarray, np.ndarray], float] | None = None,
    evals_per_epoch: int = 1,
    divergence_factor: float = 1e3,
) -> SGDResult:
    """Minimise the mean loss over ``(X, y)`` by mini-batch stochastic gradient descent.

    Every epoch shuffles the examples with ``rng`` and cuts them into
    consecutive batches of ``batch_size`` (the last batch is smaller when
    ``batch_size`` does not divide ``n``); each batch makes one update
    ``w <- w - eta * grad_fn(w, X_batch, y_batch)``. ``batch_size=1`` is
    stochastic gradient descent, ``batch_size=n`` full-batch gradient descent.

    Parameters
    ----------
    grad_fn
        ``grad_fn(w, X_batch, y_batch)``: gradient of the *mean* loss over the
        batch, same shape as ``w``.
    w0
        Starting parameters (copied, never modified).
    X, y
        Training data; ``len(X) == len(y)`` examples along the first axis.
    eta
        Learning rate: a positive number, or a schedule, a function of the
        number of updates made so far (0 for the first update) that returns
        the learning rate of the next update (e.g. :func:`inverse_scaling`).
    n_epochs
        Number of passes over the data.
    batch_size
        Examples per update, between 1 and ``n``.
    rng
        A :class:`numpy.random.Generator` (or an integer seed for one) that
        shuffles the data: the same seed gives the same run.
    loss_fn
        Optional ``loss_fn(w, X, y)``: mean loss on all of ``X, y``, evaluated
        before training and ``evals_per_epoch`` times per epoch (the time it
        takes is not counted in ``times``) and watched for divergence.
    evals_per_epoch
        How many evaluations per epoch, spread evenly over its updates (at most
        one per update). Divergence is checked at each evaluation.
    divergence_factor
        See :func:`gradient_descent`.

    Returns
    -------
    SGDResult

    Raises
    ------
    ValueError
        For bad ``eta``, ``n_epochs``, ``batch_size``, ``evals_per_epoch`` or
        ``rng``, mismatched or empty ``X`` and ``y``, a non-finite ``w0``, or a
        gradient whose shape differs from ``w0``'s.
    """
    if not callable(grad_fn):
        raise ValueError(f"grad_fn must be a function of (w, X_batch, y_batch), got {grad_fn!r}")
    if loss_fn is not None and not callable(loss_fn):
        raise ValueError(f"loss_fn must be a function of (w, X, y) or None, got {loss_fn!r}")
    if callable(eta):
        schedule = eta
        eta_text = "a schedule"
    else:
        constant = _positive_number("eta", eta)
        schedule = lambda t: constant  # noqa: E731
        eta_text = f"{constant:g}"
    n_epochs = _positive_int("n_epochs", n_epochs)
    evals_per_epoch = _positive_int("evals_per_epoch", evals_per_epoch)
    divergence_factor = _positive_number("divergence_factor", divergence_factor)
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("X and y must be arrays with one example per row")
    n = len(X)
    if n == 0:
        raise ValueError("X holds no examples")
    if len(y) != n:
        raise ValueError(f"X has {n} examples but y has {len(y)}")
    batch_size = _positive_int("batch_size", batch_size)
    if batch_size > n:
        raise ValueError(f"batch_size={batch_size} is larger than the number of examples n={n}")
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        rng = np.random.default_rng(int(rng))
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator or an integer seed, got {rng!r}")
    w = _initial_point(w0)

    n_batches = -(-n // batch_size)  # updates per epoch
    # After which updates of an epoch (1-based) to evaluate: evenly spread, the last one always.
    eval_after = set(np.ceil(np.arange(1, evals_per_epoch + 1) * n_batches / evals_per_epoch).astype(int))

    with np.errstate(over="ignore", invalid="ignore"):
        loss = _checked_loss(loss_fn, w, X, y) if loss_fn is not None else None
        watch = _Watch(divergence_factor, loss if loss is not None else 0.0)
        problem = watch.problem(w=w, loss=loss)
        if problem is not None:
            raise ValueError(f"cannot start at w0: {problem}")
        epochs, updates, times, losses, path = [0.0], [0], [0.0], [loss], [w.copy()]
        trained = 0.0  # seconds spent in updates so far
        status, message = "max_steps", f"made {n_epochs} epochs of {n_batches} updates"
        for epoch in range(n_epochs):
            start = time.perf_counter()
            order = rng.permutation(n)
            for b in range(1, n_batches + 1):
                idx = order[(b - 1) * batch_size:b * batch_size]
                eta_now = _positive_number("the learning rate of the schedule", schedule(epoch * n_batches + b - 1))
                w = w - eta_now * _checked_gradient(grad_fn, w, X[idx], y[idx])
                if b not in eval_after:
                    continue
                # Evaluate (not timed). Non-finite values stay non-finite, so
                # checking here catches any divergence since the last evaluation.
                trained += time.perf_counter() - start
                problem = watch.problem(w=w)
                if problem is None:
                    loss = _checked_loss(loss_fn, w, X, y) if loss_fn is not None else None
                    problem = watch.problem(w=w, loss=loss)
                if problem is not None:
                    status = "diverged"
                    message = (f"diverged by update {epoch * n_batches + b} (epoch {epoch + 1}) with "
                               f"eta={eta_text}, batch_size={batch_size}: {problem}; stopped and kept "
                               f"the parameters of update {updates[-1]}, the last evaluated")
                    w = path[-1].copy()
                    break
                epochs.append(epoch + b / n_batches)
                updates.append(epoch * n_batches + b)
                times.append(trained)
                losses.append(loss)
                path.append(w.copy())
                start = time.perf_counter()
            if status == "diverged":
                break
    return SGDResult(
        w=w,
        epochs=np.array(epochs),
        updates=np.array(updates),
        times=np.array(times),
        losses=np.array(losses, dtype=float) if loss_fn is not None else None,
        path=np.array(path),
        status=status,
        message=message,
    )


# ------------------------------------------- momentum, Adam and schedules
def momentum_step(w, velocity, g, *, eta: float, momentum: float = 0.9, nesterov: bool = False):
    """One update of gradient descent with momentum, in scikit-learn's form.

    ``SGDOptimizer`` of scikit-learn first updates the velocity,
    ``v <- momentum * v - eta * g``, then moves by ``v`` (heavy-ball
    momentum) or, with ``nesterov=True``, by ``momentum * v - eta * g``: a
    second look-ahead with the *same* gradient ``g``, the reformulation of
    Nesterov's method by Bengio, Boulanger-Lewandowski and Pascanu (2013), in
    which ``w`` is the look-ahead point. ``momentum=0`` is plain
    gradient descent. Returns the new ``(w, velocity)``; the inputs are not
    modified.
    """
    w, velocity, g = (np.asarray(a, dtype=float) for a in (w, velocity, g))
    velocity = momentum * velocity - eta * g
    step = momentum * velocity - eta * g if nesterov else velocity
    return w + step, velocity


def adam_step(w, m, v, g, t: int, *, eta: float, beta_1: float = 0.9, beta_2: float = 0.999,
              epsilon: float = 1e-8):
    """One update of Adam (Kingma & Ba, 2015), in scikit-learn's form.

    With ``t`` the number of this update (1 for the first)::

        m <- beta_1 m + (1 - beta_1) g          (running mean of the gradient)
        v <- beta_2 v + (1 - beta_2) g**2       (running mean of its square)
        eta_t = eta * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w <- w - eta_t * m / (sqrt(v) + epsilon)

    Both bias corrections are folded into ``eta_t``, as scikit-learn's
    ``AdamOptimizer`` does, so ``epsilon`` is added to the uncorrected
    ``sqrt(v)``. Returns the new ``(w, m, v)``; the inputs are not modified.
    """
    w, m, v, g = (np.asarray(a, dtype=float) for a in (w, m, v, g))
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    eta_t = eta * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - eta_t * m / (np.sqrt(v) + epsilon), m, v


METHODS = ("gd", "momentum", "nesterov", "adam")


def descend(
    grad_fn: Callable[[np.ndarray], np.ndarray],
    w0,
    *,
    method: str,
    eta: float,
    n_steps: int,
    momentum: float = 0.9,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-8,
    loss_fn: Callable[[np.ndarray], float] | None = None,
    divergence_factor: float = 1e3,
) -> GDResult:
    """Make ``n_steps`` full-batch updates of one optimiser and record the path.

    ``method`` is ``"gd"`` (plain gradient descent), ``"momentum"``
    (heavy-ball, :func:`momentum_step`), ``"nesterov"`` (scikit-learn's
    Nesterov form) or ``"adam"`` (:func:`adam_step`); ``eta`` is the learning
    rate of each. There is no tolerance: every run makes ``n_steps`` updates
    (``status == "max_steps"``) unless it diverges, detected as in
    :func:`gradient_descent`. Returns a :class:`GDResult`.

    Examples
    --------
    >>> res = descend(lambda w: 2 * (w - 3.0), [0.0], method="nesterov", eta=0.1, n_steps=200)
    >>> round(float(res.w[0]), 6)
    3.0
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not callable(grad_fn):
        raise ValueError(f"grad_fn must be a function of w, got {grad_fn!r}")
    eta = _positive_number("eta", eta)
    n_steps = _positive_int("n_steps", n_steps)
    if not (0 <= momentum < 1):
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    for name, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
        if not (0 <= beta < 1):
            raise ValueError(f"{name} must be in [0, 1), got {beta!r}")
    epsilon = _positive_number("epsilon", epsilon)
    divergence_factor = _positive_number("divergence_factor", divergence_factor)
    w = _initial_point(w0)
    state_1, state_2 = np.zeros_like(w), np.zeros_like(w)  # velocity / (m, v)
    with np.errstate(over="ignore", invalid="ignore"):
        g = _checked_gradient(grad_fn, w)
        loss = _checked_loss(loss_fn, w) if loss_fn is not None else None
        g_norm = float(np.linalg.norm(g))
        watch = _Watch(divergence_factor, loss if loss is not None else g_norm)
        problem = watch.problem(w=w, g=g, loss=loss)
        if problem is not None:
            raise ValueError(f"cannot start at w0: {problem}")
        path, losses, norms = [w.copy()], [loss], [g_norm]
        status, message = "max_steps", f"made n_steps={n_steps} updates of {method} with eta={eta:g}"
        for t in range(1, n_steps + 1):
            if method == "adam":
                w_new, state_1, state_2 = adam_step(w, state_1, state_2, g, t, eta=eta, beta_1=beta_1,
                                                    beta_2=beta_2, epsilon=epsilon)
            else:
                mu = 0.0 if method == "gd" else momentum
                w_new, state_1 = momentum_step(w, state_1, g, eta=eta, momentum=mu,
                                               nesterov=method == "nesterov")
            g, loss, g_norm, problem = _evaluate(grad_fn, loss_fn, watch, w_new)
            if problem is not None:
                status = "diverged"
                message = (f"{method} diverged at step {t} with eta={eta:g}: {problem}; "
                           f"stopped and kept the parameters of step {t - 1}")
                break
            w = w_new
            path.append(w.copy())
            losses.append(loss)
            norms.append(g_norm)
    return GDResult(
        w=w,
        path=np.array(path),
        losses=np.array(losses, dtype=float) if loss_fn is not None else None,
        grad_norms=np.array(norms),
        status=status,
        message=message,
    )


def inverse_scaling(eta0: float, power_t: float = 0.5, *, t0: float = 1.0, per: int = 1) -> Callable[[int], float]:
    """The schedule ``eta_t = eta0 / (t / t0 + 1) ** power_t``, as a function of ``t``.

    With ``t0=1`` this is scikit-learn's ``learning_rate='invscaling'``,
    ``eta0 / (t + 1) ** power_t``, where scikit-learn counts in ``t`` the
    *training samples* seen so far and applies the formula only at the end of
    each epoch (the first epoch runs at ``eta0``). Here ``t`` counts updates;
    a larger ``t0`` delays the decay (the rate halves, for ``power_t=1``, after
    ``t0`` updates); ``per=k`` lowers the rate only every ``k`` updates (with
    ``t`` the updates made by then), so ``per=n_batches`` changes it once per
    epoch. For :func:`minibatch_sgd`'s ``eta``.
    """
    eta0 = _positive_number("eta0", eta0)
    power_t = _non_negative_number("power_t", power_t)
    t0 = _positive_number("t0", t0)
    per = _positive_int("per", per)

    def schedule(t: int) -> float:
        return eta0 / ((t // per) * per / t0 + 1) ** power_t

    return schedule


# ----------------------------------------------- momentum on a quadratic
def _momentum_setting(eta, momentum) -> tuple[float, float]:
    eta = _positive_number("eta", eta)
    if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) or not (0 <= momentum < 1):
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    return eta, float(momentum)


def momentum_matrix(lam: float, *, eta: float, momentum: float, nesterov: bool = False) -> np.ndarray:
    """The 2x2 matrix of one :func:`momentum_step` on a quadratic loss, along one curvature.

    On ``L(w) = L* + (w - w*)^T H (w - w*) / 2`` the gradient is ``H (w - w*)``.
    Along an eigenvector of ``H`` with eigenvalue ``lam``, let ``e`` be the
    component of ``w - w*`` and ``v`` that of the velocity; one step maps
    ``(e, v)`` linearly to the next ``(e, v)``::

        heavy ball:  [[1 - eta lam,              momentum   ],
                      [ -eta lam,                momentum   ]]
        Nesterov:    [[1 - (1 + momentum) eta lam, momentum**2],
                      [ -eta lam,                momentum   ]]

    (``momentum=0`` gives ``1 - eta lam``, gradient descent, in the corner.)
    """
    eta, mu = _momentum_setting(eta, momentum)
    lam = float(lam)
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"lam must be a non-negative curvature, got {lam!r}")
    if nesterov:
        return np.array([[1 - (1 + mu) * eta * lam, mu**2], [-eta * lam, mu]])
    return np.array([[1 - eta * lam, mu], [-eta * lam, mu]])


def momentum_rate(lams, *, eta: float, momentum: float, nesterov: bool = False) -> float:
    """The spectral radius of momentum on a quadratic with Hessian eigenvalues ``lams``.

    The largest modulus of an eigenvalue of :func:`momentum_matrix`, over all
    curvatures in ``lams``: far from the start, the distance to the minimum
    shrinks (or, above 1, grows) by this factor per step. With
    ``momentum=0`` it is gradient descent's ``max |1 - eta lam|``.
    """
    lams = np.atleast_1d(np.asarray(lams, dtype=float))
    if lams.ndim != 1 or lams.size == 0:
        raise ValueError(f"lams must be a non-empty list of curvatures, got shape {lams.shape}")
    return max(float(np.abs(np.linalg.eigvals(momentum_matrix(lam, eta=eta, momentum=momentum,
                                                              nesterov=nesterov))).max())
               for lam in lams)


def momentum_ceiling(lam_max: float, *, momentum: float, nesterov: bool = False) -> float:
    """The largest stable learning rate of momentum on a quadratic (the rate 1 is reached there).

    The eigenvalues of :func:`momentum_matrix` are the roots of
    ``z**2 - a z + b`` with ``a = 1 + mu - eta lam``, ``b = mu`` (heavy ball)
    or ``a = (1 + mu)(1 - eta lam)``, ``b = mu (1 - eta lam)`` (Nesterov).
    Both lie inside the unit circle if and only if ``|b| < 1`` and
    ``|a| < 1 + b``; for ``0 <= mu < 1`` the binding condition is
    ``a > -(1 + b)``, which gives::

        heavy ball:  eta < 2 (1 + mu) / lam_max
        Nesterov:    eta < 2 (1 + mu) / ((1 + 2 mu) lam_max)

    (``momentum=0``: gradient descent's ``2 / lam_max``.)
    """
    lam_max = _positive_number("lam_max", lam_max)
    _, mu = _momentum_setting(1.0, momentum)
    return 2 * (1 + mu) / ((1 + 2 * mu if nesterov else 1) * lam_max)


# ------------------------------------------------------------ loss surfaces
def loss_grid(loss_fn: Callable[[np.ndarray], float], w1_values, w2_values) -> np.ndarray:
    """Evaluate ``loss_fn(np.array([w1, w2]))`` on a grid, for contour plots.

    Returns an array ``L`` of shape ``(len(w2_values), len(w1_values))`` with
    ``L[i, j] = loss_fn([w1_values[j], w2_values[i]])``: the layout of
    ``np.meshgrid(w1_values, w2_values)``, which ``plt.contour`` expects.
    """
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be a function of a 2-vector, got {loss_fn!r}")
    axes = []
    for name, values in (("w1_values", w1_values), ("w2_values", w2_values)):
        values = np.asarray(values, dtype=float)
        if values.ndim != 1 or len(values) < 2:
            raise ValueError(f"{name} must be a 1-D array of at least 2 numbers, got shape {values.shape}")
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{name} contains NaN or infinite values")
        axes.append(values)
    w1_values, w2_values = axes
    L = np.empty((len(w2_values), len(w1_values)))
    for i, b in enumerate(w2_values):
        for j, a in enumerate(w1_values):
            L[i, j] = _checked_loss(loss_fn, np.array([a, b]))
    return L


def plot_loss_contours(
    ax,
    w1_values,
    w2_values,
    L_grid,
    *,
    n_levels: int = 12,
    minimum=None,
    labels: tuple[str, str] = ("$w_1$", "$w_2$"),
    antialiased: bool = False,
):
    """Draw a loss computed by :func:`loss_grid` as contour lines on ``ax``.

    The levels are spaced geometrically above the lowest grid value, from
    1/3000 of the loss range to all of it, so that the valley floor shows as
    well as the steep walls; each level gets its own viridis colour. The plot
    keeps equal scales on both axes (a circle looks like a circle), so paths
    on it show true directions.

    Parameters
    ----------
    ax
        A matplotlib Axes.
    w1_values, w2_values, L_grid
        The grid and the losses, ``L_grid.shape == (len(w2_values), len(w1_values))``.
    n_levels
        Number of contour lines, at least 2.
    minimum
        Optional point ``(w1, w2)`` to mark with a black cross (the minimiser).
    labels
        Axis labels.
    antialiased
        Smooth the contour lines. Off by default: at slide resolution the
        difference is slight, and a notebook's stored PNGs get several times
        smaller without it.

    Returns
    -------
    matplotlib.contour.QuadContourSet
        For a colour bar: ``fig.colorbar(cs, ax=ax)``.
    """
    from matplotlib.colors import BoundaryNorm

    w1_values = np.asarray(w1_values, dtype=float)
    w2_values = np.asarray(w2_values, dtype=float)
    L_grid = np.asarray(L_grid, dtype=float)
    if w1_values.ndim != 1 or w2_values.ndim != 1:
        raise ValueError("w1_values and w2_values must be 1-D arrays")
    if L_grid.shape != (len(w2_values), len(w1_values)):
        raise ValueError(
            f"L_grid has shape {L_grid.shape}, expected (len(w2_values), len(w1_values)) = "
            f"({len(w2_values)}, {len(w1_values)}), the layout loss_grid returns"
        )
    if not np.all(np.isfinite(L_grid)):
        raise ValueError("L_grid contains NaN or infinite values")
    n_levels = _positive_int("n_levels", n_levels)
    if n_levels < 2:
        raise ValueError(f"n_levels must be at least 2, got {n_levels}")
    low, span = L_grid.min(), np.ptp(L_grid)
    if span <= 0:
        raise ValueError("L_grid is constant: there are no contour lines to draw")
    levels = low + np.geomspace(span / 3000, span, n_levels)
    cs = ax.contour(w1_values, w2_values, L_grid, levels=levels, cmap="viridis",
                    norm=BoundaryNorm(levels, 256), linewidths=1.5, antialiased=antialiased)
    if minimum is not None:
        minimum = np.asarray(minimum, dtype=float)
        if minimum.shape != (2,):
            raise ValueError(f"minimum must be a point (w1, w2), got shape {minimum.shape}")
        ax.plot(*minimum, "x", color="black", markersize=11, markeredgewidth=3, zorder=4)
    ax.set_xlim(w1_values[0], w1_values[-1])
    ax.set_ylim(w2_values[0], w2_values[-1])
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_aspect("equal")
    ax.grid(False)
    return cs
