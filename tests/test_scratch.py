"""The NumPy MLP of nncourse.scratch is scikit-learn's MLP, number for number.

Data: scikit-learn's bundled digits (1,797 8x8 images, no download), pixels
scaled to [0, 1]. Every comparison uses scikit-learn's defaults unless a test
says otherwise: shuffle=True, early_stopping=False, learning_rate="constant",
tol=1e-4 with n_iter_no_change=10 (so 5 epochs never trigger the stopping
rule), batch_size="auto" (200).
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils import gen_batches

from nncourse import scratch
from nncourse.scratch import (
    SGD,
    Adam,
    ScratchMLPClassifier,
    ScratchMLPRegressor,
    backprop,
    binarize_labels,
    data_loss,
    deltas,
    forward,
    glorot_bound,
    gradient_check,
    init_params,
    l2_penalty,
    loss_and_gradients,
    minibatches,
)

EPOCHS = 5


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def fit_sklearn(model, X, y):
    """Fit for a few epochs on purpose: the 'not converged' warning is expected."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def max_param_diff(a, b):
    return max(np.abs(p - q).max() for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_))


# --------------------------------------------------------------------------- (1) forward pass
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_forward_reproduces_predict_proba_multiclass(digits, activation):
    X, y = digits
    clf = fit_sklearn(MLPClassifier((20, 10), activation=activation, max_iter=10, random_state=0), X, y)
    assert clf.out_activation_ == "softmax"
    P = forward(X, clf.coefs_, clf.intercepts_, activation, clf.out_activation_)[-1]
    np.testing.assert_allclose(P, clf.predict_proba(X), rtol=0, atol=1e-12)
    net = ScratchMLPClassifier.from_sklearn(clf)
    np.testing.assert_allclose(net.predict_proba(X), clf.predict_proba(X), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(net.predict(X), clf.predict(X))


def test_forward_reproduces_predict_proba_binary(digits):
    X, y = digits
    y_text = np.where(y >= 5, "high", "low")  # string labels: classes_ = ['high', 'low']
    clf = fit_sklearn(MLPClassifier((16,), max_iter=10, random_state=0), X, y_text)
    assert clf.out_activation_ == "logistic" and clf.coefs_[-1].shape[1] == 1
    p = forward(X, clf.coefs_, clf.intercepts_, "relu", "logistic")[-1]
    np.testing.assert_allclose(p[:, 0], clf.predict_proba(X)[:, 1], rtol=0, atol=1e-12)
    net = ScratchMLPClassifier.from_sklearn(clf)
    np.testing.assert_allclose(net.predict_proba(X), clf.predict_proba(X), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(net.predict(X), clf.predict(X))


def test_forward_reproduces_regressor_predict(digits):
    X, y = digits
    reg = fit_sklearn(MLPRegressor(hidden_layer_sizes=(16, 8), activation="tanh", max_iter=10, random_state=0), X, y / 9)
    y_hat = forward(X, reg.coefs_, reg.intercepts_, "tanh", reg.out_activation_)[-1][:, 0]
    np.testing.assert_allclose(y_hat, reg.predict(X), rtol=0, atol=1e-12)
    np.testing.assert_allclose(ScratchMLPRegressor.from_sklearn(reg).predict(X), reg.predict(X), rtol=0, atol=1e-12)


# --------------------------------------------------------------------------- (2) training
@pytest.mark.parametrize("activation", ["relu", "logistic"])
def test_initial_weights_match_sklearn(digits, activation):
    # scikit-learn has no public "initialise only": one epoch of plain SGD with
    # a learning rate of 1e-15 moves no weight by more than ~1e-15.
    X, y = digits
    clf = fit_sklearn(
        MLPClassifier((32, 16), activation=activation, solver="sgd", learning_rate_init=1e-15,
                      momentum=0.0, max_iter=1, random_state=3),
        X, y,
    )
    coefs, intercepts = init_params([64, 32, 16, 10], activation, np.random.RandomState(3))
    for ours, theirs in zip(coefs + intercepts, clf.coefs_ + clf.intercepts_):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    bound = glorot_bound(64, 32, activation)
    assert bound == pytest.approx(np.sqrt((2 if activation == "logistic" else 6) / 96))
    assert np.abs(coefs[0]).max() <= bound and np.abs(intercepts[0]).max() <= bound


TRAINING_CASES = {
    "adam-relu": {},
    "adam-tanh-two-layers": dict(hidden_layer_sizes=(24, 12), activation="tanh"),
    "adam-logistic-alpha": dict(activation="logistic", alpha=0.5),
    "adam-identity-batch-64": dict(activation="identity", batch_size=64),
    "adam-no-shuffle": dict(shuffle=False),
    "sgd-nesterov": dict(solver="sgd", learning_rate_init=0.05),
    "sgd-momentum": dict(solver="sgd", learning_rate_init=0.05, nesterovs_momentum=False),
    "sgd-plain-alpha": dict(solver="sgd", learning_rate_init=0.1, momentum=0.0, alpha=1.0),
}


@pytest.mark.parametrize("case", TRAINING_CASES)
def test_training_reproduces_loss_curve(digits, case):
    X, y = digits
    settings = dict(hidden_layer_sizes=(32,), max_iter=EPOCHS, random_state=0) | TRAINING_CASES[case]
    clf = fit_sklearn(MLPClassifier(**settings), X, y)
    net = ScratchMLPClassifier(**settings).fit(X, y)
    assert len(net.loss_curve_) == len(clf.loss_curve_) == EPOCHS
    np.testing.assert_allclose(net.loss_curve_, clf.loss_curve_, rtol=0, atol=1e-6)
    # Stronger than the curve: every weight ends where scikit-learn's ends.
    assert max_param_diff(net, clf) < 1e-10
    np.testing.assert_allclose(net.predict_proba(X), clf.predict_proba(X), rtol=0, atol=1e-10)


def test_training_binary_and_regression(digits):
    X, y = digits
    settings = dict(hidden_layer_sizes=(16,), max_iter=EPOCHS, random_state=1)
    clf = fit_sklearn(MLPClassifier(**settings), X, y % 2)
    net = ScratchMLPClassifier(**settings).fit(X, y % 2)
    np.testing.assert_allclose(net.loss_curve_, clf.loss_curve_, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(net.predict(X), clf.predict(X))

    reg = fit_sklearn(MLPRegressor(**settings, solver="sgd", learning_rate_init=0.01), X, y / 9)
    net = ScratchMLPRegressor(**settings, solver="sgd", learning_rate_init=0.01).fit(X, y / 9)
    np.testing.assert_allclose(net.loss_curve_, reg.loss_curve_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(net.predict(X), reg.predict(X), rtol=0, atol=1e-10)


def test_stopping_rule_matches_sklearn(digits):
    # A huge tol makes every epoch after the first "no improvement" (the first
    # always beats the initial best loss of +inf): both stop once the count
    # exceeds n_iter_no_change = 2, after epoch 4.
    X, y = digits
    settings = dict(hidden_layer_sizes=(8,), max_iter=50, tol=10.0, n_iter_no_change=2, random_state=0)
    clf = MLPClassifier(**settings).fit(X, y)
    net = ScratchMLPClassifier(**settings).fit(X, y)
    assert net.n_iter_ == clf.n_iter_ == 4
    np.testing.assert_allclose(net.loss_curve_, clf.loss_curve_, rtol=0, atol=1e-6)


def test_minibatches_match_gen_batches():
    for n, batch_size in [(1797, 200), (400, 200), (7, 3), (5, 5), (1, 1)]:
        assert list(minibatches(n, batch_size)) == list(gen_batches(n, batch_size))


def test_l2_penalty_and_loss_as_sklearn_scales_them(digits):
    X, y = digits
    Y, _ = binarize_labels(y[:10])
    coefs, intercepts = init_params([64, 5, 10], "relu", np.random.RandomState(0))
    expected_penalty = 0.3 / 2 * sum((W**2).sum() for W in coefs) / 10
    assert l2_penalty(coefs, alpha=0.3, n_samples=10) == pytest.approx(expected_penalty, rel=1e-12)
    loss, *_ = loss_and_gradients(X[:10], Y, coefs, intercepts, "relu", "softmax", alpha=0.3)
    P = forward(X[:10], coefs, intercepts, "relu", "softmax")[-1]
    assert loss == pytest.approx(-np.log(P[np.arange(10), y[:10]]).mean() + expected_penalty, rel=1e-12)
    assert data_loss(np.array([[1.0], [3.0]]), np.array([[0.0], [0.0]]), "identity") == 2.5  # (1+9)/2/2


def test_adam_and_sgd_single_steps():
    theta, g = np.array([1.0, -2.0]), np.array([0.5, -0.1])
    adam = Adam([theta], learning_rate=0.1)
    adam.step([theta], [g])
    # First step: m = 0.1 g, v = 0.001 g^2, eta_1 = 0.1 sqrt(0.001) / 0.1, so
    # the step is 0.1 * sign(g) (up to epsilon).
    np.testing.assert_allclose(theta, [0.9, -1.9], rtol=1e-6)
    theta = np.array([1.0])
    sgd = SGD([theta], learning_rate=0.1, momentum=0.5, nesterov=True)
    sgd.step([theta], [np.array([1.0])])  # v = -0.1; theta += 0.5 * -0.1 - 0.1
    np.testing.assert_allclose(theta, [0.85])


# --------------------------------------------------------------------------- (3) gradient check
@pytest.mark.parametrize(
    "activation, out_activation",
    [("relu", "softmax"), ("tanh", "softmax"), ("logistic", "logistic"), ("identity", "identity"),
     ("relu", "identity"), ("tanh", "logistic")],
)
def test_gradient_check_passes_on_every_parameter(digits, activation, out_activation):
    X, y = digits
    X, y = X[:40], y[:40]
    Y = {"softmax": binarize_labels(y)[0], "logistic": (y % 2).reshape(-1, 1).astype(float),
         "identity": (y / 9).reshape(-1, 1)}[out_activation]
    layer_units = [64, 7, 5, Y.shape[1]]
    coefs, intercepts = init_params(layer_units, activation, np.random.RandomState(0))
    errors = gradient_check(X, Y, coefs, intercepts, activation, out_activation, alpha=0.5)
    assert list(errors) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert max(errors.values()) < 1e-6, errors


def test_gradient_check_catches_a_wrong_backprop(digits, monkeypatch):
    X, y = digits
    Y, _ = binarize_labels(y[:30])
    coefs, intercepts = init_params([64, 6, 10], "tanh", np.random.RandomState(0))
    # Forget the derivative of tanh in the chain rule: the first layer's gradients go wrong.
    monkeypatch.setattr(scratch, "activation_derivative", lambda name, A: np.ones_like(A))
    errors = gradient_check(X[:30], Y, coefs, intercepts, "tanh", "softmax", alpha=0.0)
    assert errors["W1"] > 1e-2 and errors["W2"] < 1e-6


def test_deltas_are_n_times_the_loss_gradient_wrt_each_pre_activation(digits):
    X, y = digits
    X, Y = X[:20], binarize_labels(y[:20])[0]
    coefs, intercepts = init_params([64, 6, 5, 10], "logistic", np.random.RandomState(1))
    activations = forward(X, coefs, intercepts, "logistic", "softmax")
    all_deltas = deltas(activations, Y, coefs, "logistic")
    assert [D.shape for D in all_deltas] == [(20, 6), (20, 5), (20, 10)]
    np.testing.assert_array_equal(all_deltas[-1], activations[-1] - Y)
    # Nudging one sample's pre-activation Z_l[i, j] changes the mean loss by Delta_l[i, j] / n.
    for l in range(3):
        i, j, h = 3, 2, 1e-6
        Z = activations[l] @ coefs[l] + intercepts[l]
        def loss_with(z_ij):
            Z_new = Z.copy()
            Z_new[i, j] = z_ij
            A = scratch.activate("softmax" if l == 2 else "logistic", Z_new)
            rest = forward(A, coefs[l + 1:], intercepts[l + 1:], "logistic", "softmax")[-1] if l < 2 else A
            return data_loss(Y, rest, "softmax")
        numeric = (loss_with(Z[i, j] + h) - loss_with(Z[i, j] - h)) / (2 * h)
        assert abs(all_deltas[l][i, j] / 20 - numeric) < 1e-8
    grad_coefs, grad_intercepts = backprop(activations, Y, coefs, "logistic", 0.0)
    for A, D, gW, gb in zip(activations, all_deltas, grad_coefs, grad_intercepts):
        np.testing.assert_allclose(gW, A.T @ D / 20, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(gb, D.mean(axis=0), rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="expected 4 layer outputs"):
        deltas(activations[:-1], Y, coefs, "logistic")


# --------------------------------------------------------------------------- (4) bad inputs
def test_bad_inputs_raise(digits):
    X, y = digits
    coefs, intercepts = init_params([64, 5, 10], "relu", np.random.RandomState(0))
    with pytest.raises(ValueError, match="unknown hidden activation 'sigmoid'"):
        forward(X, coefs, intercepts, "sigmoid", "softmax")
    with pytest.raises(ValueError, match="unknown output activation"):
        forward(X, coefs, intercepts, "relu", "relu")
    with pytest.raises(ValueError, match="X has 63 features, but the network expects 64"):
        forward(X[:, 1:], coefs, intercepts, "relu", "softmax")
    with pytest.raises(ValueError, match="2-D array"):
        forward(X[0], coefs, intercepts, "relu", "softmax")
    with pytest.raises(ValueError, match="b2 must have shape"):
        forward(X, coefs, [intercepts[0], intercepts[1][:3]], "relu", "softmax")
    with pytest.raises(ValueError, match="W1 has 5 outputs but W2 expects 4"):
        forward(X, [coefs[0], coefs[1][:4]], intercepts, "relu", "softmax")
    with pytest.raises(ValueError, match="one bias vector per weight matrix"):
        forward(X, coefs, intercepts[:1], "relu", "softmax")
    with pytest.raises(ValueError, match="NaN or infinity"):
        forward(np.full((2, 64), np.nan), coefs, intercepts, "relu", "softmax")
    with pytest.raises(ValueError, match="same shape"):
        data_loss(np.zeros((3, 10)), np.zeros((3, 9)), "softmax")
    with pytest.raises(ValueError, match="Y has shape"):
        backprop(forward(X[:3], coefs, intercepts, "relu", "softmax"), np.zeros((3, 9)), coefs, "relu", 0.0)
    with pytest.raises(ValueError, match="RandomState"):
        init_params([64, 5, 10], "relu", np.random.default_rng(0))
    with pytest.raises(ValueError, match="positive integers"):
        init_params([64, 0, 10], "relu", np.random.RandomState(0))
    with pytest.raises(ValueError, match="h must be > 0"):
        gradient_check(X[:3], np.zeros((3, 10)), coefs, intercepts, "relu", "softmax", 0.0, h=0)
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        l2_penalty(coefs, alpha=-1, n_samples=3)
    with pytest.raises(ValueError, match="parameter 0 has shape"):
        Adam(coefs).step(coefs, [W.T for W in coefs])
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        SGD(coefs, learning_rate=0)


@pytest.mark.parametrize(
    "settings, message",
    [
        (dict(activation="softmax"), "unknown activation 'softmax'"),
        (dict(solver="lbfgs"), "no lbfgs"),
        (dict(hidden_layer_sizes=(10, 0)), "hidden_layer_sizes must be positive integers"),
        (dict(batch_size=0), "batch_size must be 'auto' or a positive integer"),
        (dict(batch_size=5000), "larger than the 1797 training samples"),
        (dict(max_iter=0), "max_iter must be a positive integer"),
        (dict(random_state="seed"), "random_state must be"),
        (dict(alpha=-0.1), "alpha must be >= 0"),
    ],
)
def test_bad_settings_raise(digits, settings, message):
    X, y = digits
    with pytest.raises(ValueError, match=message):
        ScratchMLPClassifier(**settings).fit(X, y)


def test_bad_data_raise(digits):
    X, y = digits
    with pytest.raises(ValueError, match="at least 2 classes"):
        ScratchMLPClassifier().fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="X has 1797 samples but y has 1796"):
        ScratchMLPClassifier().fit(X, y[1:])
    with pytest.raises(ValueError, match="1-D array of class labels"):
        ScratchMLPClassifier().fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="one target per sample"):
        ScratchMLPRegressor().fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="not fitted yet"):
        ScratchMLPClassifier().predict(X)
    with pytest.raises(ValueError, match="not among the classes"):
        binarize_labels(np.array([0, 1, 7]), classes=np.array([0, 1]))
    net = ScratchMLPClassifier((4,), max_iter=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 10 features, but the network expects 64"):
        net.predict_proba(X[:, :10])
    with pytest.raises(ValueError, match="not fitted"):
        ScratchMLPClassifier.from_sklearn(MLPClassifier())
