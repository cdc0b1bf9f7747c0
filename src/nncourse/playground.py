"""The numbers behind the browser playground (``playground.qmd``), computed in Python.

The playground's demos run in the reader's browser, in JavaScript
(``assets/playground/mlp.js``), without a Python kernel. What they start from
is computed here, exported once by ``tools/export_playground_data.py`` into
``assets/playground/playground-data.json`` (committed), and checked by
``tests/test_playground.py``:

* :func:`location_landscape`: lecture 04's two-weight "location" model,
  ``L(w) = mean((X w - y)^2)`` on California housing, reduced to its moments
  ``A = X^T X / n``, ``c = X^T y / n``, ``d = y^T y / n`` (then
  ``L(w) = w^T A w - 2 c^T w + d``), with the minimiser ``w*``, the
  eigenvalues of the Hessian ``H = 2A`` and the learning-rate ceiling
  ``2 / lambda_max``, computed as lecture 04 computes them;
* :func:`momentum_ceiling`: where that ceiling moves with momentum, heavy ball
  (lifted) or Nesterov in scikit-learn's form (lowered), which the
  learning-rate explorer draws;
* :func:`moons`: lecture 02's two moons (``make_moons`` with its noise and
  seed), 200 points;
* :func:`initial_weights`: the weights and biases scikit-learn's
  ``MLPClassifier(random_state=seed)`` starts from, for each network the
  playground offers.
"""

from __future__ import annotations

import numpy as np

from nncourse.scratch import HIDDEN_ACTIVATIONS, init_params

__all__ = [
    "ACTIVATIONS",
    "LAYER_CHOICES",
    "MOONS_NOISE",
    "MOONS_SEED",
    "N_MOONS",
    "START",
    "WIDTH_CHOICES",
    "WEIGHT_SEED",
    "initial_weights",
    "location_landscape",
    "momentum_ceiling",
    "moons",
    "playground_data",
    "to_json",
]

#: Lecture 04's starting point for every descent on the location model.
START = (2.0, -1.0)
#: Lecture 02's moons: ``make_moons(noise=0.2, random_state=0)``; the playground takes 200 points.
N_MOONS, MOONS_NOISE, MOONS_SEED = 200, 0.2, 0
#: The networks the playground offers: 1 or 2 hidden layers of one of these widths.
LAYER_CHOICES = (1, 2)
WIDTH_CHOICES = (2, 4, 8, 16)
#: Hidden activations the playground offers (the output unit is always logistic).
ACTIVATIONS = ("relu", "tanh", "logistic")
#: ``random_state`` of the initial weights, as ``MLPClassifier(random_state=0)``.
WEIGHT_SEED = 0


def location_landscape(X: np.ndarray | None = None, y: np.ndarray | None = None) -> dict:
    """Lecture 04's landscape: moments of the location model and its curvature.

    Without arguments, builds the model as lecture 04 does: standardised
    latitude and longitude of California housing (columns 6 and 7) and the
    centred house value, ``L(w) = mean((X w - y)^2)``. Returns a dict of plain
    floats and lists: ``A`` = XᵀX/n, ``c`` = Xᵀy/n, ``d`` = yᵀy/n, ``n``,
    ``w_star`` (``np.linalg.solve(XᵀX, Xᵀy)``, as in the lecture),
    ``loss_star`` = L(w*), ``eigenvalues`` of ``H = 2 XᵀX / n``
    (``np.linalg.eigvalsh``, ascending), ``ceiling`` = 2 / lambda_max and the
    starting point ``start``.
    """
    if X is None or y is None:
        from sklearn.datasets import fetch_california_housing

        housing = fetch_california_housing()
        location = housing.data[:, [6, 7]]  # Latitude, Longitude
        X = (location - location.mean(axis=0)) / location.std(axis=0)
        y = housing.target - housing.target.mean()
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"need X of shape (n, 2) and y of shape (n,), got {X.shape} and {y.shape}")
    n = len(y)
    # The moments as means of products: np.mean sums pairwise, in a fixed order, so the
    # exported numbers are the same on every run (a BLAS X.T @ X may differ in the last bit).
    A = np.array([[np.mean(X[:, i] * X[:, j]) for j in range(2)] for i in range(2)])
    c = np.array([np.mean(X[:, i] * y) for i in range(2)])
    d = float(np.mean(y * y))
    w_star = np.linalg.solve(A, c)  # lecture 04: np.linalg.solve(X.T @ X, X.T @ y), the same system / n
    lam = np.linalg.eigvalsh(2 * A)  # Hessian of the mean squared error, 2 X^T X / n
    return {
        "n": n,
        "A": A.tolist(),
        "c": c.tolist(),
        "d": d,
        "w_star": w_star.tolist(),
        "loss_star": float(w_star @ A @ w_star - 2 * c @ w_star + d),
        "eigenvalues": lam.tolist(),
        "ceiling": float(2 / lam[-1]),
        "start": list(START),
    }


def momentum_ceiling(lambda_max: float, momentum: float = 0.0, nesterov: bool = False) -> float:
    """The largest stable learning rate of momentum on a quadratic with top curvature ``lambda_max``.

    Both updates are scikit-learn's (``SGDOptimizer``, ``nncourse.optim.momentum_step``):
    ``v <- momentum v - eta g``, then ``w <- w + v`` (heavy ball) or
    ``w <- w + momentum v - eta g`` (``nesterov=True``). On a quadratic with
    Hessian ``H`` the error along an eigenvector of ``H`` (eigenvalue ``lambda``,
    ``a = eta lambda``) obeys ``e_{t+1} = T e_t - D e_{t-1}`` with

    * heavy ball: ``T = 1 + momentum - a``, ``D = momentum``;
    * Nesterov:   ``T = (1 + momentum)(1 - a)``, ``D = momentum (1 - a)``.

    Both roots of ``r^2 - T r + D`` lie inside the unit circle exactly when
    ``|D| < 1`` and ``1 - T + D > 0`` and ``1 + T + D > 0`` (for ``0 < a``
    and ``0 <= momentum < 1`` only the last one binds), which gives

    * heavy ball: ``eta < 2 (1 + momentum) / lambda_max``, lifted by momentum;
    * Nesterov:   ``eta < 2 (1 + momentum) / ((1 + 2 momentum) lambda_max)``, lowered by it.

    At ``momentum=0`` both are gradient descent's ``2 / lambda_max``.

    >>> round(momentum_ceiling(3.849, 0.9), 3), round(momentum_ceiling(3.849, 0.9, nesterov=True), 3)
    (0.987, 0.353)
    """
    if not lambda_max > 0:
        raise ValueError(f"lambda_max must be positive, got {lambda_max!r}")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    return 2 * (1 + momentum) / ((1 + 2 * momentum if nesterov else 1) * lambda_max)


def moons(n_samples: int = N_MOONS) -> tuple[np.ndarray, np.ndarray]:
    """Lecture 02's two moons (noise 0.2, ``random_state=0``): ``X`` (n, 2) and labels ``y`` (n,) in {0, 1}."""
    from sklearn.datasets import make_moons

    return make_moons(n_samples=n_samples, noise=MOONS_NOISE, random_state=MOONS_SEED)


def initial_weights(hidden: tuple[int, ...], activation: str, seed: int = WEIGHT_SEED,
                    n_features: int = 2) -> dict:
    """The starting weights of ``MLPClassifier(hidden, activation, random_state=seed)`` on two classes.

    Drawn by :func:`nncourse.scratch.init_params` exactly as scikit-learn
    draws them (``tests/test_scratch.py`` checks it). Only the bound of the
    uniform range depends on the activation (narrower for logistic).
    Returns ``{"coefs": [...], "intercepts": [...]}`` as nested lists.
    """
    if activation not in HIDDEN_ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}")
    coefs, intercepts = init_params([n_features, *hidden, 1], activation, np.random.RandomState(seed))
    return {"coefs": [W.tolist() for W in coefs], "intercepts": [b.tolist() for b in intercepts]}


def _network_key(hidden: tuple[int, ...], activation: str) -> str:
    # relu and tanh share their draws; only logistic's bound differs.
    bound = "logistic" if activation == "logistic" else "glorot"
    return "-".join(map(str, hidden)) + ":" + bound


def playground_data() -> dict:
    """Everything the browser demos start from, as the JSON file stores it.

    ``landscape``: :func:`location_landscape`; ``moons``: ``{"X", "y"}`` of
    :func:`moons`; ``networks``: for every choice of layers, width and
    activation, the initial weights, under keys like ``"16-16:glorot"``
    (relu and tanh) or ``"16-16:logistic"``.
    """
    X, y = moons()
    networks = {}
    for layers in LAYER_CHOICES:
        for width in WIDTH_CHOICES:
            hidden = (width,) * layers
            for activation in ACTIVATIONS:
                networks.setdefault(_network_key(hidden, activation), initial_weights(hidden, activation))
    return {
        "about": ("Written by tools/export_playground_data.py from src/nncourse/playground.py; "
                  "do not edit by hand."),
        "landscape": location_landscape(),
        "moons": {"X": X.tolist(), "y": y.tolist(),
                  "make_moons": {"n_samples": N_MOONS, "noise": MOONS_NOISE, "random_state": MOONS_SEED}},
        "weight_seed": WEIGHT_SEED,
        "networks": networks,
    }


def to_json(data: dict) -> str:
    """The JSON text of :func:`playground_data`, deterministic (floats with repr, all digits)."""
    import json

    return json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n"
