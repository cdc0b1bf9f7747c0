"""Self-checks for the exercise notebooks: small asserts with friendly messages.

Each exercise with a definite answer ends with a *check* cell that calls one of
these functions. A check either prints one line starting with ``✓`` or raises

* :class:`NotAnsweredError` while the answer is still the placeholder ``...``
  (or a function that still returns nothing), telling the student which name
  to fill in; or
* :class:`AssertionError` with a message that says what is wrong and what was
  expected, without printing the solution.

``NotAnsweredError`` is itself an ``AssertionError``, so ``except
AssertionError`` catches both. Mistakes in *calling* a check (an expected value
that is itself a placeholder, a negative tolerance, ...) are the author's, not
the student's, and raise :class:`ValueError` instead.

Example::

    from nncourse.checks import check_shapes, mlp_shapes

    shapes = {"Omega_0": (128, 784), ...}            # the student's answer
    check_shapes(shapes, mlp_shapes(784, (128, 64), 10))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

__all__ = [
    "NotAnsweredError",
    "is_unanswered",
    "require_answer",
    "passed",
    "mlp_shapes",
    "count_parameters",
    "check_shapes",
    "check_equal",
    "check_close",
    "check_between",
    "check_function",
    "check_activation",
    "check_derivative",
    "check_gradient",
    "check_layer_backward",
    "check_converges",
    "check_diverges",
]

_TICK = "✓"


class NotAnsweredError(AssertionError):
    """The exercise still holds its placeholder: nothing to check yet.

    Not a bug in the student's code, so Jupyter shows only the message, not a
    traceback through this module: IPython prints what ``_render_traceback_``
    returns instead of the traceback (every other error keeps its traceback).
    """

    def _render_traceback_(self) -> list[str]:
        return [f"Not answered yet: {self}"]


# ---------------------------------------------------------------- placeholders
def is_unanswered(value) -> bool:
    """Whether ``value`` is, or contains, the placeholder ``...`` (Ellipsis).

    Looks inside lists, tuples, sets and dict values (recursively), so a
    half-filled ``{"W1": (3, 4), "b1": ...}`` counts as unanswered.
    """
    if value is Ellipsis:
        return True
    if isinstance(value, Mapping):
        return any(is_unanswered(v) for v in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(is_unanswered(v) for v in value)
    return False


def require_answer(name: str, value) -> None:
    """Raise :class:`NotAnsweredError` if ``value`` is ``None`` or holds a ``...`` placeholder.

    ``None`` is what a function whose body is still ``...`` returns, so it
    counts as "not answered yet" too.
    """
    if value is None:
        raise NotAnsweredError(
            f"`{name}` is None: the exercise cell above has not produced an answer yet (is a "
            "function body still `...`, or does it not `return` its result?). Finish it, run "
            "that cell, then run this check again."
        )
    if is_unanswered(value):
        raise NotAnsweredError(
            f"`{name}` still holds the placeholder `...`. Replace the `...` in the exercise "
            "cell above with your answer, run that cell, then run this check again."
        )


def _call(name: str, function, *args):
    """Call the student's ``function``; a missing body counts as not answered."""
    require_answer(name, function)
    if not callable(function):
        raise AssertionError(f"`{name}` should be a function, but it is a {type(function).__name__}.")
    result = function(*args)
    if result is None or result is Ellipsis:
        raise NotAnsweredError(
            f"`{name}` returned {result!r}: its body is still the placeholder, or it does not "
            "`return` its result. Finish the function in the exercise cell above, run that "
            "cell, then run this check again."
        )
    return result


def passed(message: str) -> None:
    """Print the one line a passing check shows."""
    print(f"{_TICK} {message}")


def _hint(hint: str | None) -> str:
    return f"\nHint: {hint}" if hint else ""


def _fmt(value) -> str:
    """A short, stable rendering of a number or array for messages."""
    array = np.asarray(value)
    if array.ndim == 0 and np.issubdtype(array.dtype, np.number):
        return f"{float(array):.4g}"
    return np.array2string(array, precision=4, threshold=8, edgeitems=2)


# ---------------------------------------------------------------------- shapes
def mlp_shapes(n_inputs: int, hidden_layer_sizes: Sequence[int], n_outputs: int) -> dict[str, tuple]:
    """Shapes of every weight matrix and bias vector of a dense network, in the lecture's notation.

    Layer ``k`` maps ``D_k`` values to ``D_{k+1}``: ``Omega_k`` is ``(D_{k+1}, D_k)`` and
    ``beta_k`` is ``(D_{k+1},)``. scikit-learn stores ``coefs_[k]`` transposed, ``(D_k, D_{k+1})``.

    >>> mlp_shapes(2, (8, 4), 1)["Omega_1"]
    (4, 8)
    """
    sizes = [n_inputs, *hidden_layer_sizes, n_outputs]
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"layer sizes must be positive integers, got {sizes}")
    shapes = {}
    for k, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        shapes[f"Omega_{k}"] = (int(d_out), int(d_in))
        shapes[f"beta_{k}"] = (int(d_out),)
    return shapes


def count_parameters(shapes: Mapping[str, Sequence[int]]) -> int:
    """Total number of numbers in arrays of the given shapes."""
    if not isinstance(shapes, Mapping) or not shapes:
        raise ValueError("count_parameters needs a non-empty mapping of name -> shape")
    return int(sum(math.prod(shape) for shape in shapes.values()))


def _as_shape(value):
    """``value`` as a tuple of ints, or None if it is not shape-like."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),)
    if isinstance(value, (tuple, list)) and all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value
    ):
        return tuple(int(v) for v in value)
    return None


def check_shapes(answer: Mapping, expected: Mapping[str, tuple], *, name: str = "shapes",
                 hint: str | None = None) -> None:
    """Check a dict of array shapes (``{"Omega_0": (128, 784), ...}``) against ``expected``.

    The message lists which entries are wrong and why (wrong number of
    dimensions, looks transposed), never the right shapes themselves.
    """
    if not isinstance(expected, Mapping) or not expected or is_unanswered(expected):
        raise ValueError("check_shapes needs the expected shapes as a non-empty dict without `...`")
    require_answer(name, answer)
    if not isinstance(answer, Mapping):
        raise AssertionError(f"`{name}` should be a dict such as {{'{next(iter(expected))}': (3, 4), ...}}, "
                             f"got a {type(answer).__name__}.")
    missing = [key for key in expected if key not in answer]
    extra = [key for key in answer if key not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing: {', '.join(missing)}")
        if extra:
            parts.append(f"not expected: {', '.join(map(str, extra))}")
        raise AssertionError(f"`{name}` needs exactly the keys {', '.join(expected)} ({'; '.join(parts)}).")
    problems = []
    for key, want in expected.items():
        got = _as_shape(answer[key])
        if got is None:
            problems.append(f"{key}: {answer[key]!r} is not a shape; write a tuple of integers such as (3, 4)")
        elif len(got) != len(want):
            problems.append(f"{key}: has {len(got)} dimension(s), expected {len(want)}")
        elif got != tuple(want):
            note = " (it looks transposed)" if len(got) == 2 and got[::-1] == tuple(want) else ""
            problems.append(f"{key}: {got} is not right{note}")
    if problems:
        raise AssertionError(
            f"{len(problems)} of {len(expected)} shapes in `{name}` are not right:\n  "
            + "\n  ".join(problems) + _hint(hint)
        )
    passed(f"all {len(expected)} shapes in `{name}` are right.")


# ------------------------------------------------------------------ values
def _flatten(value, prefix: tuple = ()) -> dict[tuple, object]:
    """Nested dicts as {(key, subkey, ...): leaf}."""
    if isinstance(value, Mapping) and value:
        flat = {}
        for key, item in value.items():
            flat.update(_flatten(item, (*prefix, key)))
        return flat
    return {prefix: value}


def _same(answer, expected) -> bool:
    if isinstance(answer, np.ndarray) or isinstance(expected, np.ndarray):
        return np.shape(answer) == np.shape(expected) and bool(np.array_equal(answer, expected))
    try:
        return bool(answer == expected)
    except (TypeError, ValueError):  # e.g. a comparison that yields an array
        return False


def check_equal(name: str, answer, expected, *, hint: str | None = None, reveal: bool = False) -> None:
    """Check that ``answer == expected`` (exact: integers, strings, tuples, nested dicts of them).

    For dicts the message lists the entries that are wrong or missing. The
    expected value is shown only with ``reveal=True``.
    """
    if is_unanswered(expected):
        raise ValueError("check_equal: the expected value holds `...`")
    require_answer(name, answer)
    if isinstance(expected, Mapping) and expected:
        if not isinstance(answer, Mapping):
            raise AssertionError(f"`{name}` should be a dict, got a {type(answer).__name__}.{_hint(hint)}")
        want, got = _flatten(expected), _flatten(answer)
        path = lambda key: " -> ".join(map(str, key))  # noqa: E731
        missing = [path(k) for k in want if k not in got]
        extra = [path(k) for k in got if k not in want]
        if missing or extra:
            parts = ([f"missing: {', '.join(missing)}"] if missing else []) + (
                [f"not expected: {', '.join(extra)}"] if extra else [])
            raise AssertionError(f"`{name}` does not have the expected keys ({'; '.join(parts)}).{_hint(hint)}")
        wrong = [k for k in want if not _same(got[k], want[k])]
        if wrong:
            details = [path(k) + (f" (expected {want[k]!r})" if reveal else f" = {got[k]!r}") for k in wrong]
            raise AssertionError(f"{len(wrong)} of {len(want)} entries of `{name}` are not right:\n  "
                                 + "\n  ".join(details) + _hint(hint))
        passed(f"all {len(want)} entries of `{name}` are right.")
        return
    if not _same(answer, expected):
        wanted = f" (expected {expected!r})" if reveal else ""
        raise AssertionError(f"`{name}` = {answer!r} is not right{wanted}.{_hint(hint)}")
    passed(f"`{name}` is right.")


def _check_tolerances(rtol: float, atol: float) -> None:
    if not (rtol >= 0 and atol >= 0):
        raise ValueError(f"tolerances must be non-negative, got rtol={rtol}, atol={atol}")


def _compare_arrays(name: str, answer, expected, rtol: float, atol: float, where: str = "") -> str | None:
    """A message describing how ``answer`` differs from ``expected``, or None if close."""
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return f"`{name}`{where} should be a number or an array of numbers, got {type(answer).__name__}"
    want = np.asarray(expected, dtype=float)
    if got.shape != want.shape:
        return f"`{name}`{where} has shape {got.shape}, expected {want.shape}"
    if not np.all(np.isfinite(got)):
        bad = int(np.size(got) - np.count_nonzero(np.isfinite(got)))
        return f"`{name}`{where} holds {bad} value(s) that are inf or nan"
    close = np.isclose(got, want, rtol=rtol, atol=atol)
    if np.all(close):
        return None
    error = np.abs(got - want)
    if want.ndim == 0:
        return f"`{name}`{where} = {_fmt(got)} is off by {_fmt(error)} (allowed: {_fmt(atol + rtol * abs(want))})"
    worst = np.unravel_index(np.argmax(np.where(close, 0, error)), want.shape)
    return (
        f"`{name}`{where}: {np.size(close) - np.count_nonzero(close)} of {np.size(close)} entries are off; "
        f"the worst, at index {tuple(int(i) for i in worst)}, by {_fmt(error[worst])}"
    )


def check_close(name: str, answer, expected, *, rtol: float = 1e-6, atol: float = 1e-9,
                hint: str | None = None) -> None:
    """Check a number or array against ``expected`` within ``rtol``/``atol`` (as ``np.isclose``)."""
    _check_tolerances(rtol, atol)
    if is_unanswered(expected):
        raise ValueError("check_close: the expected value holds `...`")
    require_answer(name, answer)
    message = _compare_arrays(name, answer, expected, rtol, atol)
    if message:
        raise AssertionError(message + "." + _hint(hint))
    passed(f"`{name}` is right.")


def check_between(name: str, value, low: float = -math.inf, high: float = math.inf, *,
                  hint: str | None = None, show: bool = True) -> None:
    """Check ``low < value < high`` (strict), e.g. a score that must beat a baseline.

    With ``show=True`` the passing line prints the value at 4 significant digits.
    """
    if not low < high:
        raise ValueError(f"check_between needs low < high, got {low} and {high}")
    require_answer(name, value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AssertionError(f"`{name}` should be a number, got {type(value).__name__}.") from None
    if not math.isfinite(number):
        raise AssertionError(f"`{name}` is {number}: something diverged or divided by zero.{_hint(hint)}")
    bounds = " and ".join(b for b in (f"above {low:.4g}" if low > -math.inf else "",
                                      f"below {high:.4g}" if high < math.inf else "") if b)
    if not low < number < high:
        raise AssertionError(f"`{name}` = {number:.4g}, but it should be {bounds}.{_hint(hint)}")
    passed(f"`{name}`" + (f" = {number:.4g}" if show else "") + f" is {bounds}.")


# --------------------------------------------------------------- functions
def check_function(name: str, function: Callable, reference: Callable, inputs: Sequence, *,
                   rtol: float = 1e-7, atol: float = 1e-12, hint: str | None = None) -> None:
    """Check ``function(x)`` against ``reference(x)`` for every ``x`` in ``inputs``.

    Each input is passed as the single argument (wrap a function of several
    arguments in a lambda). On failure the message names the first input
    where the two differ.
    """
    _check_tolerances(rtol, atol)
    if not callable(reference) or not len(inputs):
        raise ValueError("check_function needs a callable reference and at least one input")
    for x in inputs:
        got = _call(name, function, x)
        message = _compare_arrays(f"{name}(x)", got, reference(x), rtol, atol, where=f" for x = {_fmt(x)}")
        if message:
            raise AssertionError(message + "." + _hint(hint))
    passed(f"`{name}` gives the right values on {len(inputs)} test input(s).")


def _stable_sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


#: Reference activations and their derivatives, safe for any finite input.
_ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "identity": (lambda z: z * 1.0, lambda z: np.ones_like(z)),
    "relu": (lambda z: np.maximum(0.0, z), lambda z: (z > 0).astype(float)),
    "sigmoid": (_stable_sigmoid, lambda z: _stable_sigmoid(z) * _stable_sigmoid(-z)),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "softplus": (lambda z: np.logaddexp(0.0, z), _stable_sigmoid),
}
#: Moderate inputs (0 left out: ReLU has no derivative there), then extreme ones.
_ACTIVATION_INPUTS = (np.linspace(-6.0, 6.0, 24), np.array([-1000.0, -50.0, 50.0, 1000.0]))


def check_activation(kind: str, f: Callable, df: Callable) -> None:
    """Check an activation function ``f`` and its derivative ``df`` against hidden references.

    ``kind`` is one of ``"identity"``, ``"relu"``, ``"sigmoid"``, ``"tanh"``,
    ``"softplus"``. Both are called on an array of moderate inputs, then on
    extreme ones (±50, ±1000), where a formula that overflows gives inf or nan.
    """
    if kind not in _ACTIVATIONS:
        raise ValueError(f"unknown activation {kind!r}; choose one of {', '.join(_ACTIVATIONS)}")
    reference, reference_grad = _ACTIVATIONS[kind]
    overflow = ("a formula that evaluates np.exp of a large number overflows; rewrite it so that "
                "every exponent is <= 0 (np.logaddexp helps)")
    for name, function, want in ((kind, f, reference), (f"{kind}_grad", df, reference_grad)):
        for z in _ACTIVATION_INPUTS:
            got = _call(name, function, z.copy())
            message = _compare_arrays(f"{name}(z)", got, want(z), 1e-7, 1e-12, where=f" for z = {_fmt(z)}")
            if message:
                extreme = z is _ACTIVATION_INPUTS[-1]
                raise AssertionError(message + "." + _hint(overflow if extreme else None))
    passed(f"`{kind}` and `{kind}_grad` are right, for moderate and for extreme inputs.")


def _central_difference(f: Callable, x: np.ndarray, eps: float) -> np.ndarray:
    return (np.asarray(f(x + eps), dtype=float) - np.asarray(f(x - eps), dtype=float)) / (2 * eps)


def check_derivative(name: str, f: Callable, df: Callable, points, *, eps: float = 1e-6,
                     rtol: float = 1e-5, atol: float = 1e-7, hint: str | None = None) -> None:
    """Check an elementwise derivative ``df`` against central differences of ``f`` at ``points``.

    ``f`` is the reference function (or the student's, already checked);
    avoid points where ``f`` has a kink.
    """
    _check_tolerances(rtol, atol)
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps}")
    points = np.asarray(points, dtype=float)
    if points.size == 0:
        raise ValueError("check_derivative needs at least one point")
    got = _call(name, df, points)
    message = _compare_arrays(name, got, _central_difference(f, points, eps), rtol, atol,
                              where=" (compared with finite differences)")
    if message:
        raise AssertionError(message + "." + _hint(hint))
    passed(f"`{name}` matches finite differences at {points.size} point(s).")


def check_gradient(name: str, loss: Callable[[np.ndarray], float], gradient: Callable[[np.ndarray], np.ndarray],
                   theta, *, eps: float = 1e-6, rtol: float = 1e-4, atol: float = 1e-8,
                   hint: str | None = None) -> None:
    """Check ``gradient(theta)`` against central differences of the scalar ``loss`` at ``theta``.

    Every entry of ``theta`` (any shape) is perturbed in turn, so keep it small
    (a few hundred entries at most).
    """
    _check_tolerances(rtol, atol)
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps}")
    theta = np.array(theta, dtype=float)
    if theta.size == 0 or theta.size > 10_000:
        raise ValueError(f"check_gradient perturbs every entry: theta needs 1 to 10,000 entries, got {theta.size}")
    got = _call(name, gradient, theta.copy())
    numeric = np.zeros_like(theta)
    for index in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[index] = eps
        numeric[index] = (float(loss(theta + step)) - float(loss(theta - step))) / (2 * eps)
    message = _compare_arrays(name, got, numeric, rtol, atol, where=" (compared with finite differences)")
    if message:
        raise AssertionError(message + "." + _hint(hint))
    passed(f"`{name}` matches finite differences in all {theta.size} entries.")


def _layer_backward_case(seed: int, d_in: int, d_out: int):
    """A tanh layer with d_in inputs and d_out units, and an incoming delta: the inputs of a backward step."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=d_in)                     # pre-activation of layer k
    h = np.tanh(z)                                # its activation, the layer's input
    Omega = rng.normal(size=(d_out, d_in))        # Omega_k: D_{k+1} x D_k
    delta_next = rng.normal(size=d_out)           # dL/dz_{k+1}
    return delta_next, h, z, Omega, lambda z: 1.0 - np.tanh(z) ** 2


def check_layer_backward(layer_backward: Callable, *, name: str = "layer_backward") -> None:
    """Check one layer's backward step, for one example, in the lectures' notation.

    ``layer_backward(delta_next, h, z, Omega, f_prime)`` must return the tuple
    ``(grad_Omega, grad_beta, delta)`` with ``grad_Omega = δ_{k+1} h_kᵀ`` (the
    shape of ``Omega``), ``grad_beta = δ_{k+1}`` and
    ``delta = f'(z_k) ⊙ Ω_kᵀ δ_{k+1}``, where ``h = f(z)`` is the layer's input,
    ``z`` its pre-activation and ``f_prime`` the derivative of ``f``. It is
    called on two tanh layers of different, non-square shapes; the common
    mistakes (a transposed outer product, ``z`` for ``h``, ``Ω`` for ``Ωᵀ``, a
    missing or misplaced ``f'``) get a message that names them.
    """
    for seed, (d_in, d_out) in ((0, (4, 3)), (1, (2, 5))):
        delta_next, h, z, Omega, f_prime = _layer_backward_case(seed, d_in, d_out)
        result = _call(name, layer_backward, delta_next.copy(), h.copy(), z.copy(), Omega.copy(), f_prime)
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            raise AssertionError(f"`{name}` should return three things, (grad_Omega, grad_beta, delta), "
                                 f"got {type(result).__name__}"
                                 + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else "") + ".")
        grad_Omega, grad_beta, delta = (np.asarray(r, dtype=float) for r in result)
        where = f" for a layer with D_k = {d_in} inputs and D_(k+1) = {d_out} units"
        want_Omega = np.outer(delta_next, h)
        if grad_Omega.shape == (d_in, d_out):
            raise AssertionError(f"`grad_Omega` has shape {grad_Omega.shape}{where}, the transpose of Omega's "
                                 f"{Omega.shape}. A gradient has the shape of its parameter: "
                                 "in δ_(k+1) h_kᵀ the rows belong to δ_(k+1), one per unit of layer k+1.")
        if grad_Omega.shape == want_Omega.shape and np.allclose(grad_Omega, np.outer(delta_next, z)):
            raise AssertionError("`grad_Omega` uses z, the pre-activation of layer k. Omega_k multiplies the "
                                 "layer's *input* h_k = f(z_k), so its gradient is δ_(k+1) h_kᵀ.")
        message = _compare_arrays("grad_Omega", grad_Omega, want_Omega, 1e-7, 1e-12, where)
        if message:
            raise AssertionError(message + ".\nHint: ∂L/∂Ω_k = δ_(k+1) h_kᵀ, the outer product of the incoming "
                                 "delta and the layer's input.")
        message = _compare_arrays("grad_beta", grad_beta, delta_next, 1e-7, 1e-12, where)
        if message:
            raise AssertionError(message + ".\nHint: β_k is added to z_(k+1) with weight 1, so ∂L/∂β_k is "
                                 "δ_(k+1) itself.")
        back = Omega.T @ delta_next
        if delta.shape == (d_out,):
            raise AssertionError(f"`delta` has shape {delta.shape}{where}: one entry per unit of layer k+1. "
                                 f"δ_k needs one per unit of layer k ({d_in}): multiply by Ωᵀ, not Ω.")
        if delta.shape == back.shape and np.allclose(delta, back):
            raise AssertionError("`delta` is Ωᵀ δ_(k+1): the activation's derivative is missing. "
                                 "h_k = f(z_k), so the chain rule multiplies by f'(z_k), element by element.")
        if delta.shape == back.shape and np.allclose(delta, f_prime(h) * back):
            raise AssertionError("`delta` evaluates f' at h_k. The derivative belongs at the "
                                 "pre-activation: f'(z_k) ⊙ Ωᵀ δ_(k+1).")
        message = _compare_arrays("delta", delta, f_prime(z) * back, 1e-7, 1e-12, where)
        if message:
            raise AssertionError(message + ".\nHint: δ_k = f'(z_k) ⊙ Ω_kᵀ δ_(k+1), where ⊙ multiplies "
                                 "element by element.")
    passed(f"`{name}` returns the right grad_Omega, grad_beta and delta on two layers of different shapes.")


# ----------------------------------------------------------------- training
def _losses(name: str, losses) -> np.ndarray:
    require_answer(name, losses)
    try:
        values = np.asarray(losses, dtype=float).ravel()
    except (TypeError, ValueError):
        raise AssertionError(f"`{name}` should be a sequence of loss values, got {type(losses).__name__}.") from None
    if values.size < 2:
        raise AssertionError(f"`{name}` needs the loss of at least two steps, got {values.size}.")
    return values


def check_converges(name: str, losses, *, hint: str | None = None) -> None:
    """Check a loss history that stays finite and ends below where it started."""
    values = _losses(name, losses)
    if not np.all(np.isfinite(values)):
        raise AssertionError(f"`{name}` reaches inf or nan: this run diverged.{_hint(hint)}")
    if not values[-1] < values[0]:
        raise AssertionError(f"`{name}` ends at {values[-1]:.4g}, not below where it started "
                             f"({values[0]:.4g}): this run does not converge.{_hint(hint)}")
    passed(f"`{name}` goes down: this run converges.")


def check_diverges(name: str, losses, *, factor: float = 10.0, hint: str | None = None) -> None:
    """Check a loss history that blows up: it ends above ``factor`` times its start, or at inf/nan."""
    if not factor > 1:
        raise ValueError(f"factor must be greater than 1, got {factor}")
    values = _losses(name, losses)
    if np.all(np.isfinite(values)) and not values[-1] > factor * values[0]:
        raise AssertionError(f"`{name}` ends at {values[-1]:.4g}, which is not more than {factor:g} times "
                             f"where it started ({values[0]:.4g}): this run does not diverge.{_hint(hint)}")
    passed(f"`{name}` blows up: this run diverges.")
