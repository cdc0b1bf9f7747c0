"""A multilayer perceptron in plain NumPy that is, number for number, scikit-learn's.

Every step of training is a short function next to its formula: the forward
pass (:func:`forward`), the loss (:func:`data_loss`, :func:`l2_penalty`),
backpropagation (:func:`backprop`), and the updates (:class:`SGD`,
:class:`Adam`). :class:`ScratchMLPClassifier` and :class:`ScratchMLPRegressor`
put them together in a training loop with the same parameters as
:class:`sklearn.neural_network.MLPClassifier` / ``MLPRegressor``.

The code follows scikit-learn 1.9's ``_multilayer_perceptron.py``, ``_base.py``
and ``_stochastic_optimizers.py`` wherever the library makes a choice a textbook
might not, and says so where it does (search for "scikit-learn"):

* initial weights and biases are drawn from a Glorot-uniform range whose bound
  uses the factor 2 instead of 6 when the hidden activation is logistic, from a
  legacy ``np.random.RandomState``, layer by layer, weights before biases;
* the output activation is not a choice: softmax for more than two classes,
  logistic (one output unit) for two, identity for regression;
* the squared error is *half* the mean squared error, and the cross-entropy
  clips probabilities to ``[eps, 1 - eps]``;
* the L2 penalty is ``alpha / 2 * sum ||W||^2`` divided by the number of samples
  *in the mini-batch*, and it covers weights but not biases;
* Adam folds both bias corrections into the learning rate and adds ``epsilon``
  to the uncorrected ``sqrt(v)``;
* SGD uses Nesterov momentum by default, in scikit-learn's form;
* mini-batches come from re-shuffling the previous epoch's order with the same
  random state that drew the weights, and the epoch loss in ``loss_curve_`` is
  the average of the mini-batch losses seen *during* the epoch.

With the same settings and ``random_state`` the two implementations therefore
start from the same weights, see the same mini-batches and make the same
updates: ``tests/test_scratch.py`` checks ``predict_proba`` to 1e-12 and the
first epochs of ``loss_curve_`` to 1e-6.

Conventions: samples are rows. A layer computes ``Z = A_prev @ W + b`` with
``W`` of shape ``(fan_in, fan_out)``, exactly as scikit-learn's ``coefs_[l]``
and ``intercepts_[l]``. Lists of weights are 0-indexed in code; the course
writes them ``W1, W2, ...`` (``W[0]`` is ``W1``).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator, Sequence

import numpy as np

__all__ = [
    "HIDDEN_ACTIVATIONS",
    "OUTPUT_ACTIVATIONS",
    "Adam",
    "SGD",
    "ScratchMLPClassifier",
    "ScratchMLPRegressor",
    "activate",
    "activation_derivative",
    "backprop",
    "binarize_labels",
    "data_loss",
    "deltas",
    "forward",
    "glorot_bound",
    "gradient_check",
    "init_params",
    "l2_penalty",
    "loss_and_gradients",
    "minibatches",
]

HIDDEN_ACTIVATIONS = ("identity", "logistic", "tanh", "relu")
OUTPUT_ACTIVATIONS = ("identity", "logistic", "softmax")


# --------------------------------------------------------------- activations
def _logistic(Z: np.ndarray) -> np.ndarray:
    # exp(-z) overflows to inf for z < -709; 1 / (1 + inf) = 0 is then the
    # exact limit, so the overflow warning is expected and harmless here.
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-Z))


def _softmax(Z: np.ndarray) -> np.ndarray:
    # Subtracting the row maximum changes nothing mathematically and keeps exp
    # from overflowing; scikit-learn's inplace_softmax does the same.
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


_ACTIVATION_FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": lambda Z: Z,
    "logistic": _logistic,
    "tanh": np.tanh,
    "relu": lambda Z: np.maximum(Z, 0),
    "softmax": _softmax,
}


def _check_name(name: str, allowed: Sequence[str], what: str) -> None:
    if not isinstance(name, str) or name not in allowed:
        raise ValueError(f"unknown {what} {name!r}; choose one of {', '.join(map(repr, allowed))}")


def activate(name: str, Z: np.ndarray) -> np.ndarray:
    """Apply the activation ``name`` to the pre-activations ``Z``.

    ``"relu"``: max(z, 0); ``"tanh"``; ``"logistic"``: 1 / (1 + e^-z);
    ``"identity"``: z; ``"softmax"`` (rows sum to 1, output layer only).
    """
    _check_name(name, (*HIDDEN_ACTIVATIONS, "softmax"), "activation")
    return _ACTIVATION_FUNCTIONS[name](Z)


def activation_derivative(name: str, A: np.ndarray) -> np.ndarray:
    """g'(z) of a hidden activation, written with the layer's *output* ``A = g(Z)``.

    All four hidden activations have a derivative that is a function of their
    output (relu: 1 where a > 0; tanh: 1 - a^2; logistic: a (1 - a)), so
    backpropagation needs only the stored outputs, as in scikit-learn.
    At z = 0 ReLU's derivative is taken as 0, as scikit-learn does.
    """
    _check_name(name, HIDDEN_ACTIVATIONS, "hidden activation")
    if name == "relu":
        return (A > 0).astype(A.dtype)
    if name == "tanh":
        return 1 - A**2
    if name == "logistic":
        return A * (1 - A)
    return np.ones_like(A)


# --------------------------------------------------------------- initialisation
def glorot_bound(fan_in: int, fan_out: int, activation: str) -> float:
    """Half-width of the uniform range the initial weights of a layer are drawn from.

    scikit-learn uses Glorot & Bengio's (2010) bound sqrt(6 / (fan_in + fan_out))
    for relu, tanh and identity, but sqrt(2 / (fan_in + fan_out)) when the
    *hidden* activation is logistic (a narrower range, whatever the layer),
    and it draws the biases from the same range instead of setting them to 0.
    """
    _check_name(activation, HIDDEN_ACTIVATIONS, "hidden activation")
    factor = 2.0 if activation == "logistic" else 6.0
    return float(np.sqrt(factor / (fan_in + fan_out)))


def init_params(
    layer_units: Sequence[int],
    activation: str,
    rng: np.random.RandomState,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Initial weights and biases for layers of sizes ``layer_units``, as scikit-learn draws them.

    ``layer_units`` is ``[n_features, *hidden_layer_sizes, n_outputs]``. For
    each layer in turn, scikit-learn draws the whole weight matrix
    ``U(-bound, bound)`` of shape ``(fan_in, fan_out)`` and *then* the bias
    vector from the same range (see :func:`glorot_bound`), all from one legacy
    ``np.random.RandomState``. Drawing in this order from a ``RandomState``
    seeded like scikit-learn's (``RandomState(random_state)``) gives the same
    numbers; ``np.random.default_rng`` would give different ones.
    """
    if not isinstance(rng, np.random.RandomState):
        raise ValueError(
            f"rng must be a np.random.RandomState (scikit-learn's generator), got {type(rng).__name__}"
        )
    units = list(layer_units)
    if len(units) < 2 or not all(isinstance(u, numbers.Integral) and u >= 1 for u in units):
        raise ValueError(f"layer_units must hold at least two positive integers, got {layer_units!r}")
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(units[:-1], units[1:]):
        bound = glorot_bound(fan_in, fan_out, activation)
        coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)))  # first the weights...
        intercepts.append(rng.uniform(-bound, bound, fan_out))  # ...then the biases
    return coefs, intercepts


# --------------------------------------------------------------- forward pass
def _check_params(coefs: Sequence[np.ndarray], intercepts: Sequence[np.ndarray]) -> None:
    if len(coefs) == 0 or len(coefs) != len(intercepts):
        raise ValueError(
            f"need one bias vector per weight matrix and at least one layer, got "
            f"{len(coefs)} weight matrices and {len(intercepts)} bias vectors"
        )
    for l, (W, b) in enumerate(zip(coefs, intercepts), start=1):
        W, b = np.asarray(W), np.asarray(b)
        if W.ndim != 2:
            raise ValueError(f"W{l} must be a 2-D (fan_in, fan_out) matrix, got shape {W.shape}")
        if b.shape != (W.shape[1],):
            raise ValueError(f"b{l} must have shape ({W.shape[1]},) to match W{l} {W.shape}, got {b.shape}")
        if l > 1 and np.shape(coefs[l - 2])[1] != W.shape[0]:
            raise ValueError(
                f"W{l - 1} has {np.shape(coefs[l - 2])[1]} outputs but W{l} expects {W.shape[0]} inputs"
            )


def _check_X(X, n_features: int | None = None) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (n_samples, n_features), got shape {X.shape}")
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise ValueError(f"X must be numeric, got dtype {X.dtype}")
    X = X.astype(np.float64, copy=False)
    if X.shape[0] == 0:
        raise ValueError("X has no samples")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinity")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"X has {X.shape[1]} features, but the network expects {n_features}")
    return X


def forward(
    X: np.ndarray,
    coefs: Sequence[np.ndarray],
    intercepts: Sequence[np.ndarray],
    activation: str,
    out_activation: str,
) -> list[np.ndarray]:
    """The forward pass: the outputs ``[A0 = X, A1, ..., AL = Y_hat]`` of every layer.

    For each layer, Z = A_prev @ W + b, then A = g(Z) with the hidden
    ``activation`` on hidden layers and ``out_activation`` on the last one.
    Pass a fitted scikit-learn model's ``coefs_``, ``intercepts_``,
    ``activation`` and ``out_activation_`` to reproduce its predictions.
    """
    _check_name(activation, HIDDEN_ACTIVATIONS, "hidden activation")
    _check_name(out_activation, OUTPUT_ACTIVATIONS, "output activation")
    _check_params(coefs, intercepts)
    A = _check_X(X, np.shape(coefs[0])[0])
    return _forward(A, coefs, intercepts, activation, out_activation)


def _forward(X, coefs, intercepts, activation, out_activation) -> list[np.ndarray]:
    # The loop of forward(), without the input checks (gradient_check calls it thousands of times).
    g_hidden, g_out = _ACTIVATION_FUNCTIONS[activation], _ACTIVATION_FUNCTIONS[out_activation]
    activations = [X]
    for l, (W, b) in enumerate(zip(coefs, intercepts)):
        Z = activations[-1] @ W + b
        activations.append(g_out(Z) if l == len(coefs) - 1 else g_hidden(Z))
    return activations


# --------------------------------------------------------------- losses
def data_loss(Y: np.ndarray, Y_hat: np.ndarray, out_activation: str) -> float:
    """The loss scikit-learn pairs with each output activation, averaged over the samples.

    * ``"identity"`` (regression): half the mean squared error,
      ((Y - Y_hat)**2).mean() / 2 (scikit-learn's ``squared_loss``);
    * ``"softmax"``: cross-entropy, -mean over samples of sum_k y_k log p_k;
    * ``"logistic"`` (one output unit): binary cross-entropy,
      -mean(y log p + (1 - y) log(1 - p)).

    As in scikit-learn, probabilities are clipped to [eps, 1 - eps]
    (eps = 2.2e-16) so that a confident mistake costs log(eps) ~ -36, not inf.
    Each pairing is the "canonical link" for which dLoss/dZ = (Y_hat - Y) / n,
    which is what :func:`backprop` starts from.
    """
    _check_name(out_activation, OUTPUT_ACTIVATIONS, "output activation")
    Y, Y_hat = np.asarray(Y, dtype=np.float64), np.asarray(Y_hat, dtype=np.float64)
    if Y.ndim != 2 or Y.shape != Y_hat.shape:
        raise ValueError(f"Y and Y_hat must be 2-D arrays of the same shape, got {Y.shape} and {Y_hat.shape}")
    if out_activation == "identity":
        return float(((Y - Y_hat) ** 2).mean() / 2)
    eps = np.finfo(Y_hat.dtype).eps
    P = np.clip(Y_hat, eps, 1 - eps)
    n = Y.shape[0]
    if out_activation == "softmax":
        return float(-np.sum(Y * np.log(P)) / n)
    return float(-np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P)) / n)


def l2_penalty(coefs: Sequence[np.ndarray], alpha: float, n_samples: int) -> float:
    """scikit-learn's L2 term: alpha / 2 * sum_l ||W_l||^2, divided by n_samples.

    Two choices a textbook might not make: the biases are not penalised, and
    the penalty is divided by the number of samples of the *mini-batch* it is
    added to (so that it sits on the same per-sample scale as the averaged
    data loss: with mini-batches of 200, alpha acts 200 times more weakly than
    in a textbook's ``loss + alpha/2 ||W||^2``).
    """
    if alpha < 0:
        raise ValueError(f"alpha must be >= 0, got {alpha}")
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}")
    return float(0.5 * alpha * sum(np.dot(W.ravel(), W.ravel()) for W in coefs) / n_samples)


# --------------------------------------------------------------- backpropagation
def deltas(
    activations: Sequence[np.ndarray],
    Y: np.ndarray,
    coefs: Sequence[np.ndarray],
    activation: str,
) -> list[np.ndarray]:
    """The backward recursion alone: ``[Delta_1, ..., Delta_L]``, one per layer.

    ``activations`` is the list returned by :func:`forward`. Delta_l holds one
    row per sample, n times dLoss/dZ_l (the lecture's delta, transposed):

    * output layer: Delta_L = Y_hat - Y (softmax + cross-entropy, logistic +
      binary cross-entropy and identity + half squared error all give this);
    * going down one layer (chain rule through Z_l = A_{l-1} W_l + b_l and
      A_{l-1} = g(Z_{l-1})): Delta_{l-1} = (Delta_l W_l^T) * g'(Z_{l-1}).

    :func:`backprop` turns them into gradients; the lectures use them to watch
    the deltas shrink (or not) on their way down a deep network.
    """
    _check_name(activation, HIDDEN_ACTIVATIONS, "hidden activation")
    if len(activations) != len(coefs) + 1:
        raise ValueError(
            f"expected {len(coefs) + 1} layer outputs (X and one per layer), got {len(activations)}"
        )
    Y = np.asarray(Y, dtype=np.float64)
    if Y.shape != activations[-1].shape:
        raise ValueError(f"Y has shape {Y.shape} but the network outputs {activations[-1].shape}")
    L = len(coefs)
    result: list[np.ndarray] = [np.empty(0)] * L
    Delta = activations[-1] - Y  # output layer: dLoss/dZ_L times n
    for l in range(L - 1, -1, -1):  # l = L-1 (output layer) down to 0 (first hidden layer)
        result[l] = Delta
        if l > 0:  # chain rule: back through W_l, then through g of the layer below
            Delta = (Delta @ coefs[l].T) * activation_derivative(activation, activations[l])
    return result


def backprop(
    activations: Sequence[np.ndarray],
    Y: np.ndarray,
    coefs: Sequence[np.ndarray],
    activation: str,
    alpha: float,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Gradients of data_loss + l2_penalty with respect to every W and b, layer by layer.

    ``activations`` is the list returned by :func:`forward`. With n samples
    and Delta_l = n * dLoss/dZ_l (one row of "errors" per sample, from
    :func:`deltas`):

    * output layer: Delta_L = Y_hat - Y;
    * every layer l: dW_l = (A_{l-1}^T Delta_l + alpha W_l) / n and
      db_l = (sum of Delta_l's rows) / n;
    * going down one layer: Delta_{l-1} = (Delta_l W_l^T) * g'(Z_{l-1}).

    The bracket (A^T Delta + alpha W) / n is scikit-learn's order of
    operations (``_compute_loss_grad``).
    """
    all_deltas = deltas(activations, Y, coefs, activation)
    n = all_deltas[-1].shape[0]
    grad_coefs = [(A_prev.T @ Delta + alpha * W) / n
                  for A_prev, Delta, W in zip(activations, all_deltas, coefs)]
    grad_intercepts = [Delta.sum(axis=0) / n for Delta in all_deltas]
    return grad_coefs, grad_intercepts


def loss_and_gradients(
    X: np.ndarray,
    Y: np.ndarray,
    coefs: Sequence[np.ndarray],
    intercepts: Sequence[np.ndarray],
    activation: str,
    out_activation: str,
    alpha: float,
) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
    """Forward pass, loss (data + L2) and backpropagation on one (mini-)batch.

    This is what scikit-learn's ``_backprop`` returns for one mini-batch: the
    loss *averaged* over the batch's samples and its gradients.
    """
    activations = forward(X, coefs, intercepts, activation, out_activation)
    n = activations[0].shape[0]
    loss = data_loss(Y, activations[-1], out_activation) + l2_penalty(coefs, alpha, n)
    grad_coefs, grad_intercepts = backprop(activations, Y, coefs, activation, alpha)
    return loss, grad_coefs, grad_intercepts


def gradient_check(
    X: np.ndarray,
    Y: np.ndarray,
    coefs: Sequence[np.ndarray],
    intercepts: Sequence[np.ndarray],
    activation: str,
    out_activation: str,
    alpha: float,
    h: float = 1e-6,
) -> dict[str, float]:
    """Compare backprop's gradient with central finite differences, for every parameter.

    Each entry theta of every W and b is nudged to theta + h and theta - h and
    the loss re-evaluated: (L(theta + h) - L(theta - h)) / (2h) approximates
    dL/dtheta with an error of order h^2. Returns, for each parameter array
    (``"W1"``, ``"b1"``, ``"W2"``, ...), the relative error
    ||g_backprop - g_numeric|| / (||g_backprop|| + ||g_numeric||): about 1e-8
    or smaller when backprop is right, of order 1 when it is wrong.
    The parameters are restored afterwards. ReLU has a kink at 0: a
    pre-activation within h of 0 would spoil the estimate, which does not
    happen for generic data.
    """
    if not h > 0:
        raise ValueError(f"the step h must be > 0, got {h}")
    coefs = [np.array(W, dtype=np.float64) for W in coefs]  # private copies to nudge
    intercepts = [np.array(b, dtype=np.float64) for b in intercepts]
    _, grad_coefs, grad_intercepts = loss_and_gradients(
        X, Y, coefs, intercepts, activation, out_activation, alpha
    )

    X, Y, n = _check_X(X), np.asarray(Y, dtype=np.float64), np.shape(X)[0]

    def loss() -> float:  # the forward pass and the loss only: no backprop needed
        Y_hat = _forward(X, coefs, intercepts, activation, out_activation)[-1]
        return data_loss(Y, Y_hat, out_activation) + l2_penalty(coefs, alpha, n)

    errors = {}
    params = [(f"W{l}", P, G) for l, (P, G) in enumerate(zip(coefs, grad_coefs), start=1)]
    params += [(f"b{l}", P, G) for l, (P, G) in enumerate(zip(intercepts, grad_intercepts), start=1)]
    for name, P, G in sorted(params, key=lambda t: (int(t[0][1:]), t[0][0] == "b")):
        numeric = np.zeros_like(P)
        for i in np.ndindex(P.shape):
            original = P[i]
            P[i] = original + h
            plus = loss()
            P[i] = original - h
            minus = loss()
            P[i] = original
            numeric[i] = (plus - minus) / (2 * h)
        scale = np.linalg.norm(G) + np.linalg.norm(numeric)
        errors[name] = float(np.linalg.norm(G - numeric) / scale) if scale > 0 else 0.0
    return errors


# --------------------------------------------------------------- optimisers
class SGD:
    """Stochastic gradient descent with (Nesterov) momentum, as scikit-learn's ``SGDOptimizer``.

    For each parameter theta with gradient g and velocity v (initially 0)::

        v <- mu * v - eta * g
        theta <- theta + v                      (classical momentum)
        theta <- theta + mu * v - eta * g       (Nesterov, scikit-learn's default)

    Only the ``learning_rate="constant"`` schedule is implemented. The
    parameters are updated in place.
    """

    def __init__(self, params: Sequence[np.ndarray], learning_rate: float = 0.1,
                 momentum: float = 0.9, nesterov: bool = True):
        if not learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0, got {learning_rate}")
        if not 0 <= momentum <= 1:
            raise ValueError(f"momentum must be in [0, 1], got {momentum}")
        self.learning_rate, self.momentum, self.nesterov = float(learning_rate), momentum, nesterov
        self.velocities = [np.zeros_like(p) for p in params]

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Update every parameter in place from its gradient."""
        _check_aligned(params, grads, self.velocities)
        eta, mu = self.learning_rate, self.momentum
        for theta, g, v in zip(params, grads, self.velocities):
            v[...] = mu * v - eta * g
            theta += (mu * v - eta * g) if self.nesterov else v


class Adam:
    """Adam (Kingma & Ba, 2015), exactly as scikit-learn's ``AdamOptimizer``.

    With step counter t (incremented before each update), for each parameter
    theta with gradient g and moments m, v (initially 0)::

        m <- beta_1 m + (1 - beta_1) g
        v <- beta_2 v + (1 - beta_2) g^2
        eta_t = eta * sqrt(1 - beta_2^t) / (1 - beta_1^t)
        theta <- theta - eta_t * m / (sqrt(v) + epsilon)

    This is the "efficient" form of Section 2 of the paper, which scikit-learn
    uses: both bias corrections are folded into the learning rate eta_t, so
    epsilon is added to the uncorrected sqrt(v) (Algorithm 1 of the paper adds
    it to sqrt(v_hat)). The two differ only while sqrt(v) is tiny.
    The parameters are updated in place.
    """

    def __init__(self, params: Sequence[np.ndarray], learning_rate: float = 0.001,
                 beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-8):
        if not learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0, got {learning_rate}")
        for name, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0 <= beta < 1:
                raise ValueError(f"{name} must be in [0, 1), got {beta}")
        if not epsilon > 0:
            raise ValueError(f"epsilon must be > 0, got {epsilon}")
        self.learning_rate, self.beta_1, self.beta_2, self.epsilon = (
            float(learning_rate), beta_1, beta_2, epsilon)
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Update every parameter in place from its gradient."""
        _check_aligned(params, grads, self.ms)
        self.t += 1
        b1, b2, t = self.beta_1, self.beta_2, self.t
        eta_t = self.learning_rate * np.sqrt(1 - b2**t) / (1 - b1**t)
        for theta, g, m, v in zip(params, grads, self.ms, self.vs):
            m[...] = b1 * m + (1 - b1) * g
            v[...] = b2 * v + (1 - b2) * g**2
            theta -= eta_t * m / (np.sqrt(v) + self.epsilon)


def _check_aligned(params, grads, state) -> None:
    if len(params) != len(grads) or len(params) != len(state):
        raise ValueError(
            f"got {len(params)} parameters and {len(grads)} gradients for an optimiser "
            f"created with {len(state)} parameters"
        )
    for i, (p, g, s) in enumerate(zip(params, grads, state)):
        if p.shape != g.shape or p.shape != s.shape:
            raise ValueError(f"parameter {i} has shape {p.shape}, its gradient {g.shape}, "
                             f"the optimiser expected {s.shape}")


# --------------------------------------------------------------- mini-batches
def minibatches(n_samples: int, batch_size: int) -> Iterator[slice]:
    """Consecutive slices of ``batch_size`` rows; the last one holds the remainder.

    The same slices as ``sklearn.utils.gen_batches(n_samples, batch_size)``:
    1797 samples in batches of 200 give eight batches of 200 and one of 197.
    """
    if n_samples < 1 or batch_size < 1:
        raise ValueError(f"n_samples and batch_size must be >= 1, got {n_samples} and {batch_size}")
    for start in range(0, n_samples, batch_size):
        yield slice(start, min(start + batch_size, n_samples))


def binarize_labels(y, classes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Encode class labels as scikit-learn's ``LabelBinarizer`` does: ``(Y, classes)``.

    ``classes`` are the sorted distinct labels. With more than two classes
    ``Y`` is one-hot, shape (n, n_classes), for a softmax output. With two,
    scikit-learn keeps a *single* column (1 for ``classes[1]``), for one
    logistic output unit, and ``predict_proba`` rebuilds [1 - p, p].
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be a 1-D array of class labels, got shape {y.shape}")
    if classes is None:
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(f"classification needs at least 2 classes, y has {len(classes)}")
    unknown = np.setdiff1d(np.unique(y), classes)
    if len(unknown):
        raise ValueError(f"y holds labels {unknown.tolist()} that are not among the classes {classes.tolist()}")
    if len(classes) == 2:
        return (y == classes[1]).astype(np.float64).reshape(-1, 1), classes
    return (y[:, None] == classes[None, :]).astype(np.float64), classes


# --------------------------------------------------------------- estimators
class _ScratchMLP:
    """Training loop shared by the classifier and the regressor (see their docstrings)."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate_init=0.001, max_iter=200,
                 shuffle=True, random_state=None, tol=1e-4, momentum=0.9,
                 nesterovs_momentum=True, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 n_iter_no_change=10):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change

    # -- validation -------------------------------------------------------
    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, numbers.Integral) else list(sizes)
        if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 1 for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be positive integers, got {self.hidden_layer_sizes!r}")
        return [int(s) for s in sizes]

    def _check_settings(self) -> None:
        _check_name(self.activation, HIDDEN_ACTIVATIONS, "activation")
        if self.solver not in ("sgd", "adam"):
            raise ValueError(f"solver must be 'sgd' or 'adam' (the scratch MLP has no lbfgs), got {self.solver!r}")
        if not (isinstance(self.max_iter, numbers.Integral) and self.max_iter >= 1):
            raise ValueError(f"max_iter must be a positive integer, got {self.max_iter!r}")
        if not (isinstance(self.n_iter_no_change, numbers.Integral) and self.n_iter_no_change >= 1):
            raise ValueError(f"n_iter_no_change must be a positive integer, got {self.n_iter_no_change!r}")
        if self.batch_size != "auto" and not (
            isinstance(self.batch_size, numbers.Integral) and self.batch_size >= 1
        ):
            raise ValueError(f"batch_size must be 'auto' or a positive integer, got {self.batch_size!r}")
        if not self.alpha >= 0:
            raise ValueError(f"alpha must be >= 0, got {self.alpha}")
        if not self.tol >= 0:
            raise ValueError(f"tol must be >= 0, got {self.tol}")

    def _random_state(self) -> np.random.RandomState:
        # scikit-learn's check_random_state: an int seeds a new legacy
        # RandomState (Mersenne Twister), an existing RandomState is used as
        # is (and advanced). None means "unseeded" (scikit-learn then uses
        # NumPy's global RandomState; here a fresh one).
        rs = self.random_state
        if isinstance(rs, np.random.RandomState):
            return rs
        if rs is None or (isinstance(rs, numbers.Integral) and not isinstance(rs, bool)):
            return np.random.RandomState(rs)
        raise ValueError(f"random_state must be None, an int or a np.random.RandomState, got {rs!r}")

    # -- training -------------------------------------------------------
    def fit(self, X, y):
        """Train for ``max_iter`` epochs (or until the training loss stalls), like scikit-learn's ``fit``.

        Mirrors scikit-learn's ``_fit_stochastic`` with ``early_stopping=False``
        and ``learning_rate="constant"`` (both the defaults).
        """
        self._check_settings()
        X = _check_X(X)
        Y = self._encode_targets(y, X.shape[0])
        n = X.shape[0]
        if self.batch_size == "auto":
            batch_size = min(200, n)
        elif self.batch_size > n:
            raise ValueError(f"batch_size={self.batch_size} is larger than the {n} training samples")
        else:
            batch_size = int(self.batch_size)

        # 1. Initial weights: the first draws from the random state.
        rng = self._random_state()
        layer_units = [X.shape[1], *self._hidden_sizes(), Y.shape[1]]
        self.coefs_, self.intercepts_ = init_params(layer_units, self.activation, rng)
        params = self.coefs_ + self.intercepts_  # the optimiser updates these arrays in place
        if self.solver == "adam":
            optimizer = Adam(params, self.learning_rate_init, self.beta_1, self.beta_2, self.epsilon)
        else:
            optimizer = SGD(params, self.learning_rate_init, self.momentum, self.nesterovs_momentum)

        self.loss_curve_ = []
        best_loss, epochs_without_improvement = np.inf, 0
        order = np.arange(n)
        for _ in range(self.max_iter):
            # 2. Each epoch scikit-learn re-shuffles the *previous* order with the
            # same random state (sklearn.utils.shuffle draws rng.permutation(n)).
            if self.shuffle:
                order = order[rng.permutation(n)]
            epoch_loss = 0.0
            for batch in minibatches(n, batch_size):
                idx = order[batch]
                loss, grad_coefs, grad_intercepts = loss_and_gradients(
                    X[idx], Y[idx], self.coefs_, self.intercepts_,
                    self.activation, self.out_activation_, self.alpha,
                )
                # 3. The batch loss is a mean over the batch (its L2 term divided
                # by the batch size); weighting it by the batch size and dividing
                # by n below gives the epoch loss scikit-learn records. It is
                # measured *during* the epoch, each batch before its update.
                epoch_loss += loss * len(idx)
                optimizer.step(params, grad_coefs + grad_intercepts)
            self.loss_curve_.append(epoch_loss / n)

            # 4. scikit-learn's stopping rule: stop once the loss has failed to
            # beat the best loss so far by tol more than n_iter_no_change times in a row.
            if self.loss_curve_[-1] > best_loss - self.tol:
                epochs_without_improvement += 1
            else:
                epochs_without_improvement = 0
            best_loss = min(best_loss, self.loss_curve_[-1])
            if epochs_without_improvement > self.n_iter_no_change:
                break
        self.n_iter_ = len(self.loss_curve_)
        self.loss_ = self.loss_curve_[-1]
        return self

    def _output(self, X) -> np.ndarray:
        if not hasattr(self, "coefs_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit first")
        X = _check_X(X, self.coefs_[0].shape[0])
        return forward(X, self.coefs_, self.intercepts_, self.activation, self.out_activation_)[-1]

    @classmethod
    def from_sklearn(cls, model):
        """A scratch network holding (copies of) a fitted scikit-learn MLP's weights."""
        if not hasattr(model, "coefs_"):
            raise ValueError(f"{type(model).__name__} is not fitted: it has no coefs_")
        net = cls(hidden_layer_sizes=model.hidden_layer_sizes, activation=model.activation)
        net.coefs_ = [W.copy() for W in model.coefs_]
        net.intercepts_ = [b.copy() for b in model.intercepts_]
        net.out_activation_ = model.out_activation_
        if hasattr(model, "classes_"):
            net.classes_ = model.classes_.copy()
        return net


class ScratchMLPClassifier(_ScratchMLP):
    """An MLP classifier in NumPy with the parameters and behaviour of ``sklearn.neural_network.MLPClassifier``.

    Supports ``solver`` "adam" and "sgd" (constant learning rate, optional
    Nesterov momentum), ``early_stopping=False``. Trained with the same settings
    and an integer ``random_state``, it follows scikit-learn's trajectory
    weight for weight. The output layer is softmax for more than two classes
    and a single logistic unit for two, as in scikit-learn.
    """

    def _encode_targets(self, y, n_samples: int) -> np.ndarray:
        Y, self.classes_ = binarize_labels(y)
        if Y.shape[0] != n_samples:
            raise ValueError(f"X has {n_samples} samples but y has {Y.shape[0]} labels")
        # scikit-learn's choice, not ours: softmax over the classes when there
        # are more than two, a single logistic unit (P(classes_[1])) for two.
        self.out_activation_ = "softmax" if len(self.classes_) > 2 else "logistic"
        return Y

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in the order of ``classes_``."""
        P = self._output(X)
        return np.hstack([1 - P, P]) if P.shape[1] == 1 else P

    def predict(self, X) -> np.ndarray:
        """The most probable class (for two classes: ``classes_[1]`` when p > 0.5)."""
        P = self._output(X)
        if P.shape[1] == 1:
            return self.classes_[(P[:, 0] > 0.5).astype(int)]
        return self.classes_[P.argmax(axis=1)]


class ScratchMLPRegressor(_ScratchMLP):
    """An MLP regressor in NumPy with the parameters and behaviour of ``sklearn.neural_network.MLPRegressor``.

    One target (y of shape (n,) or (n, 1)), identity output, half squared
    error. (With several targets scikit-learn's reported loss averages over
    the targets while its gradient sums over them; the scratch version keeps
    to the single-target case where the two agree.)
    """

    def _encode_targets(self, y, n_samples: int) -> np.ndarray:
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(f"y must hold one target per sample, shape (n,) or (n, 1), got {y.shape}")
        if not np.issubdtype(y.dtype, np.number) or not np.isfinite(y).all():
            raise ValueError("y must be numeric and finite")
        if y.shape[0] != n_samples:
            raise ValueError(f"X has {n_samples} samples but y has {y.shape[0]} targets")
        self.out_activation_ = "identity"  # as scikit-learn: no squashing of the regression output
        return y.astype(np.float64).reshape(-1, 1)

    def predict(self, X) -> np.ndarray:
        """Predicted targets, shape (n_samples,)."""
        return self._output(X)[:, 0]
