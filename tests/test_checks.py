"""Unit tests of nncourse.checks, the self-checks of the exercise notebooks.

Every check is tried three ways: on a right answer (it prints one ✓ line), on
the placeholder a student starts from (NotAnsweredError, an AssertionError),
and on a wrong answer (AssertionError whose message helps without printing
the expected answer). Mistakes in calling a check are ValueErrors.
"""

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier, MLPRegressor

from nncourse.checks import (
    NotAnsweredError,
    check_activation,
    check_between,
    check_close,
    check_converges,
    check_derivative,
    check_diverges,
    check_equal,
    check_function,
    check_gradient,
    check_layer_backward,
    check_shapes,
    count_parameters,
    is_unanswered,
    mlp_shapes,
    require_answer,
)


def passes(capsys, check, *args, **kwargs):
    check(*args, **kwargs)
    out = capsys.readouterr().out
    assert out.startswith("✓ ") and out.count("\n") == 1, out
    return out


# ----------------------------------------------------------------- placeholders
@pytest.mark.parametrize("value", [..., [1, ...], (..., 2), {"a": 1, "b": ...}, {"a": {"b": [...]}}])
def test_placeholders_are_unanswered(value):
    assert is_unanswered(value)
    with pytest.raises(NotAnsweredError, match="still holds the placeholder"):
        require_answer("x", value)


@pytest.mark.parametrize("value", [0, 0.0, "", [], {}, (1, 2), {"a": (3, 4)}, np.zeros(3), "..."])
def test_answers_are_answered(value):
    assert not is_unanswered(value)
    require_answer("x", value)


def test_none_is_unanswered_and_says_why():
    with pytest.raises(NotAnsweredError, match="is None.*return"):
        require_answer("f(x)", None)


def test_not_answered_is_an_assertion_error():
    assert issubclass(NotAnsweredError, AssertionError)


# ------------------------------------------------------------------------ shapes
def test_mlp_shapes_follow_the_lecture_notation():
    assert mlp_shapes(2, (8, 4), 1) == {
        "Omega_0": (8, 2), "beta_0": (8,),
        "Omega_1": (4, 8), "beta_1": (4,),
        "Omega_2": (1, 4), "beta_2": (1,),
    }
    assert count_parameters(mlp_shapes(784, (128, 64), 10)) == 109_386


@pytest.mark.parametrize("n_outputs, y", [(10, np.arange(40) % 10), (1, np.arange(40) % 2)])
def test_mlp_shapes_agree_with_scikit_learn(n_outputs, y):
    X = np.random.default_rng(0).normal(size=(40, 7))
    net = MLPClassifier(hidden_layer_sizes=(5, 3), random_state=0).partial_fit(X, y, classes=np.unique(y))
    fitted = {}
    for k, (W, b) in enumerate(zip(net.coefs_, net.intercepts_)):
        fitted[f"Omega_{k}"], fitted[f"beta_{k}"] = W.T.shape, b.shape
    assert mlp_shapes(7, (5, 3), n_outputs) == fitted


def test_mlp_shapes_agree_with_a_regressor():
    X = np.random.default_rng(0).normal(size=(30, 4))
    net = MLPRegressor(hidden_layer_sizes=(6,), random_state=0).partial_fit(X, X[:, 0])
    assert mlp_shapes(4, (6,), 1)["Omega_1"] == net.coefs_[1].T.shape


@pytest.mark.parametrize("args", [(0, (3,), 1), (3, (0,), 1), (3, (2.5,), 1), (3, (True,), 1), (3, (4,), -1)])
def test_mlp_shapes_rejects_bad_sizes(args):
    with pytest.raises(ValueError, match="positive integers"):
        mlp_shapes(*args)


def test_count_parameters_rejects_bad_input():
    with pytest.raises(ValueError):
        count_parameters({})


EXPECTED = mlp_shapes(784, (128, 64), 10)


def test_check_shapes_passes(capsys):
    answer = {key: tuple(value) for key, value in EXPECTED.items()}
    answer["beta_0"] = 128  # an int is a 1-D shape
    out = passes(capsys, check_shapes, answer, EXPECTED)
    assert "all 6 shapes" in out


def test_check_shapes_placeholder():
    with pytest.raises(NotAnsweredError):
        check_shapes(dict(EXPECTED, Omega_1=...), EXPECTED)


def test_check_shapes_names_wrong_entries_without_the_answer():
    answer = dict(EXPECTED, Omega_0=(784, 128), beta_2=(10, 1))
    with pytest.raises(AssertionError) as info:
        check_shapes(answer, EXPECTED, hint="rows = units fed")
    message = str(info.value)
    assert "2 of 6" in message
    assert "Omega_0" in message and "transposed" in message
    assert "beta_2" in message and "2 dimension(s), expected 1" in message
    assert "(128, 784)" not in message  # the right shape is not printed
    assert "Hint: rows = units fed" in message
    assert not isinstance(info.value, NotAnsweredError)


def test_check_shapes_missing_and_extra_keys():
    answer = dict(EXPECTED)
    del answer["beta_2"]
    answer["W"] = (1, 1)
    with pytest.raises(AssertionError, match="missing: beta_2; not expected: W"):
        check_shapes(answer, EXPECTED)


def test_check_shapes_non_shape_values():
    with pytest.raises(AssertionError, match="not a shape"):
        check_shapes(dict(EXPECTED, Omega_0="128x784"), EXPECTED)
    with pytest.raises(AssertionError, match="should be a dict"):
        check_shapes([(128, 784)], EXPECTED)


def test_check_shapes_rejects_bad_expected():
    with pytest.raises(ValueError):
        check_shapes({"a": (1,)}, {"a": ...})
    with pytest.raises(ValueError):
        check_shapes({}, {})


# ------------------------------------------------------------------------ values
def test_check_equal(capsys):
    passes(capsys, check_equal, "n", 3, 3)
    passes(capsys, check_equal, "table", {"a": {"b": "softmax"}}, {"a": {"b": "softmax"}})
    passes(capsys, check_equal, "arr", np.array([1, 2]), np.array([1, 2]))
    with pytest.raises(AssertionError, match="`n` = 4 is not right") as info:
        check_equal("n", 4, 3)
    assert "3" not in str(info.value).replace("`n` = 4", "")
    with pytest.raises(AssertionError, match=r"expected 3"):
        check_equal("n", 4, 3, reveal=True)
    with pytest.raises(AssertionError):
        check_equal("arr", np.array([1, 2]), np.array([1, 2, 3]))
    with pytest.raises(NotAnsweredError):
        check_equal("table", {"a": ...}, {"a": 1})
    with pytest.raises(ValueError):
        check_equal("n", 1, ...)


def test_check_close(capsys):
    passes(capsys, check_close, "x", 1.0 + 1e-9, 1.0)
    passes(capsys, check_close, "A", np.eye(2), np.eye(2))
    with pytest.raises(AssertionError, match="is off by"):
        check_close("x", 1.1, 1.0)
    with pytest.raises(AssertionError, match=r"1 of 4 entries are off; the worst, at index \(1, 0\)"):
        check_close("A", np.array([[1.0, 0.0], [0.5, 1.0]]), np.eye(2))
    with pytest.raises(AssertionError, match=r"has shape \(3,\), expected \(2,\)"):
        check_close("v", np.zeros(3), np.zeros(2))
    with pytest.raises(AssertionError, match="inf or nan"):
        check_close("v", np.array([np.inf, 0.0]), np.zeros(2))
    with pytest.raises(AssertionError, match="should be a number"):
        check_close("v", "zero", 0.0)
    with pytest.raises(NotAnsweredError):
        check_close("v", ..., 0.0)
    with pytest.raises(NotAnsweredError):
        check_close("f(x)", None, 0.0)
    with pytest.raises(ValueError):
        check_close("v", 0.0, 0.0, rtol=-1)


def test_check_between(capsys):
    out = passes(capsys, check_between, "r2", 0.81234, 0.7986)
    assert "0.8123" in out and "above 0.7986" in out
    passes(capsys, check_between, "acc", 0.5, 0.35, 0.65)
    with pytest.raises(AssertionError, match="should be above 0.7986"):
        check_between("r2", 0.79, 0.7986)
    with pytest.raises(AssertionError, match="above 0.35 and below 0.65"):
        check_between("acc", 0.7, 0.35, 0.65)
    with pytest.raises(AssertionError, match="diverged"):
        check_between("r2", float("nan"), 0.0)
    with pytest.raises(AssertionError, match="should be a number"):
        check_between("r2", "high", 0.0)
    with pytest.raises(NotAnsweredError):
        check_between("r2", ..., 0.0)
    with pytest.raises(ValueError):
        check_between("r2", 0.5, 1.0, 0.0)


# --------------------------------------------------------------------- functions
def stub(*args):
    """What a student's function with the body `...` returns."""


def test_check_function(capsys):
    passes(capsys, check_function, "square", lambda x: x**2, np.square, [np.arange(3.0), 2.0])
    with pytest.raises(AssertionError, match=r"for x = \[0\. 1\. 2\.\]"):
        check_function("square", lambda x: x * 2, np.square, [np.arange(3.0)])
    with pytest.raises(NotAnsweredError, match="returned None"):
        check_function("square", stub, np.square, [1.0])
    with pytest.raises(NotAnsweredError):
        check_function("square", ..., np.square, [1.0])
    with pytest.raises(AssertionError, match="should be a function"):
        check_function("square", 4.0, np.square, [1.0])
    with pytest.raises(ValueError):
        check_function("square", np.square, np.square, [])


def naive_softplus(z):
    with np.errstate(over="ignore"):
        return np.log(1 + np.exp(z))


def stable_sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def test_check_activation_passes(capsys):
    passes(capsys, check_activation, "softplus", lambda z: np.logaddexp(0, z), stable_sigmoid)
    passes(capsys, check_activation, "relu", lambda z: np.maximum(z, 0), lambda z: np.where(z > 0, 1.0, 0.0))
    passes(capsys, check_activation, "tanh", np.tanh, lambda z: 1 - np.tanh(z) ** 2)
    passes(capsys, check_activation, "sigmoid", stable_sigmoid, lambda z: stable_sigmoid(z) * stable_sigmoid(-z))
    passes(capsys, check_activation, "identity", lambda z: z, lambda z: np.ones_like(z))


def test_check_activation_catches_overflow_with_a_hint():
    with pytest.raises(AssertionError, match=r"`softplus\(z\)` for z = \[-1000.*inf or nan.*\nHint: .*np.logaddexp"):
        check_activation("softplus", naive_softplus, stable_sigmoid)


def test_check_activation_catches_a_wrong_derivative():
    with pytest.raises(AssertionError, match="softplus_grad") as info:
        check_activation("softplus", lambda z: np.logaddexp(0, z), lambda z: (z > 0) * 1.0)
    assert "Hint" not in str(info.value)  # wrong on moderate inputs already: no overflow hint


def test_check_activation_placeholders_and_bad_kind():
    with pytest.raises(NotAnsweredError):
        check_activation("softplus", stub, stub)
    with pytest.raises(NotAnsweredError):
        check_activation("softplus", lambda z: np.logaddexp(0, z), stub)
    with pytest.raises(ValueError, match="unknown activation"):
        check_activation("swish", np.tanh, np.tanh)


def test_check_derivative(capsys):
    points = np.linspace(-2, 2, 9)
    passes(capsys, check_derivative, "cos", np.sin, np.cos, points)
    with pytest.raises(AssertionError, match="finite differences"):
        check_derivative("cos", np.sin, np.sin, points)
    with pytest.raises(NotAnsweredError):
        check_derivative("cos", np.sin, stub, points)
    with pytest.raises(ValueError):
        check_derivative("cos", np.sin, np.cos, [])


def test_check_gradient(capsys):
    A = np.array([[2.0, 1.0], [1.0, 3.0]])

    def loss(w):
        return 0.5 * w @ A @ w

    passes(capsys, check_gradient, "grad", loss, lambda w: A @ w, np.array([1.0, -2.0]))
    with pytest.raises(AssertionError, match="finite differences"):
        check_gradient("grad", loss, lambda w: 2 * A @ w, np.array([1.0, -2.0]))
    with pytest.raises(NotAnsweredError):
        check_gradient("grad", loss, stub, np.array([1.0, -2.0]))
    with pytest.raises(ValueError):
        check_gradient("grad", loss, lambda w: A @ w, np.zeros(0))


def test_check_gradient_on_a_matrix(capsys):
    Z = np.arange(6.0).reshape(2, 3)
    passes(capsys, check_gradient, "grad", lambda Z: (Z**2).sum(), lambda Z: 2 * Z, Z)


# ----------------------------------------------------------------------- training
def test_check_converges_and_diverges(capsys):
    passes(capsys, check_converges, "loss", [5.0, 1.0, 0.5])
    passes(capsys, check_diverges, "loss", [5.0, 100.0])
    passes(capsys, check_diverges, "loss", [5.0, np.inf])
    with pytest.raises(AssertionError, match="does not converge"):
        check_converges("loss", [1.0, 2.0])
    with pytest.raises(AssertionError, match="diverged"):
        check_converges("loss", [1.0, np.nan])
    with pytest.raises(AssertionError, match="does not diverge"):
        check_diverges("loss", [5.0, 20.0])
    with pytest.raises(AssertionError, match="at least two"):
        check_converges("loss", [1.0])
    with pytest.raises(AssertionError, match="sequence of loss values"):
        check_converges("loss", ["a", "b"])
    with pytest.raises(NotAnsweredError):
        check_diverges("loss", ...)
    with pytest.raises(ValueError):
        check_diverges("loss", [1.0, 2.0], factor=1.0)


def test_check_equal_on_nested_dicts_names_the_wrong_entries(capsys):
    expected = {"digits": {"n_outputs_": 10, "out_activation_": "softmax"},
                "housing": {"n_outputs_": 1, "out_activation_": "identity"}}
    out = passes(capsys, check_equal, "predicted", expected, expected)
    assert "all 4 entries" in out
    answer = {"digits": {"n_outputs_": 10, "out_activation_": "logistic"},
              "housing": {"n_outputs_": 1, "out_activation_": "identity"}}
    wrong_entry = r"1 of 4 entries of `predicted`.*\n  digits -> out_activation_ = 'logistic'"
    with pytest.raises(AssertionError, match=wrong_entry) as info:
        check_equal("predicted", answer, expected)
    assert "softmax" not in str(info.value)
    with pytest.raises(AssertionError, match="missing: housing -> out_activation_"):
        check_equal("predicted", {"digits": expected["digits"], "housing": {"n_outputs_": 1}}, expected)
    with pytest.raises(AssertionError, match="should be a dict"):
        check_equal("predicted", [1], expected)
    with pytest.raises(NotAnsweredError):
        check_equal("predicted", {"digits": {"n_outputs_": ..., "out_activation_": ...}, "housing": {}}, expected)


def test_not_answered_renders_as_its_message_only():
    """IPython shows `_render_traceback_()` instead of a traceback for this error."""
    from nncourse.checks import NotAnsweredError

    error = NotAnsweredError("`W1` still holds the placeholder `...`.")
    assert error._render_traceback_() == ["Not answered yet: `W1` still holds the placeholder `...`."]
    assert not hasattr(AssertionError("x"), "_render_traceback_")  # real errors keep their traceback


# ----------------------------------------------------------- layer backward
def right_layer_backward(delta_next, h, z, Omega, f_prime):
    return np.outer(delta_next, h), delta_next, f_prime(z) * (Omega.T @ delta_next)


def test_check_layer_backward_passes_a_right_answer(capsys):
    out = passes(capsys, check_layer_backward, right_layer_backward)
    assert "grad_Omega" in out


def test_check_layer_backward_placeholder():
    def stub(delta_next, h, z, Omega, f_prime):
        ...
    with pytest.raises(NotAnsweredError):
        check_layer_backward(stub)
    with pytest.raises(NotAnsweredError):
        check_layer_backward(...)


@pytest.mark.parametrize("wrong, message", [
    (lambda d, h, z, O, fp: np.outer(d, h), "three things"),
    (lambda d, h, z, O, fp: (np.outer(h, d), d, fp(z) * (O.T @ d)), "transpose"),
    (lambda d, h, z, O, fp: (np.outer(d, z), d, fp(z) * (O.T @ d)), "uses z"),
    (lambda d, h, z, O, fp: (2 * np.outer(d, h), d, fp(z) * (O.T @ d)), "outer product"),
    (lambda d, h, z, O, fp: (np.outer(d, h), d.sum(), fp(z) * (O.T @ d)), "grad_beta"),
    (lambda d, h, z, O, fp: (np.outer(d, h), d, O.T @ d), "derivative is missing"),
    (lambda d, h, z, O, fp: (np.outer(d, h), d, fp(h) * (O.T @ d)), "at h_k"),
    (lambda d, h, z, O, fp: (np.outer(d, h), d, d), "not Ω"),
    (lambda d, h, z, O, fp: (np.outer(d, h), d, -fp(z) * (O.T @ d)), "entries are off.*element by element"),
])
def test_check_layer_backward_explains_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=f"(?s){message}") as info:
        check_layer_backward(wrong)
    assert not isinstance(info.value, NotAnsweredError)
    assert "np.outer" not in str(info.value) and "Omega.T @" not in str(info.value)   # no code given away


def test_check_layer_backward_on_a_square_layer_is_not_fooled():
    # A function that only works for the first shape (hard-coded sizes) fails on the second layer.
    def first_shape_only(delta_next, h, z, Omega, f_prime):
        assert Omega.shape == (3, 4), "hard-coded"
        return right_layer_backward(delta_next, h, z, Omega, f_prime)
    with pytest.raises(AssertionError, match="hard-coded"):
        check_layer_backward(first_shape_only)
