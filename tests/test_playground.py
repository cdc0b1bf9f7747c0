"""The browser playground computes what the Python code computes.

* ``nncourse.playground`` and the committed ``assets/playground/playground-data.json``:
  the file equals what the functions compute now, and the landscape agrees
  with the numbers lecture 04 prints in its stored outputs.
* ``assets/playground/mlp.js``, run in Node on a small driver script, against
  the course's NumPy MLP (``nncourse.scratch``, itself checked against
  scikit-learn in test_scratch.py): the loss of each of the first 50
  full-batch steps to 1e-9 relative, for every activation, for gradient
  descent and for Adam, from the exported initial weights; a forward pass
  against ``MLPClassifier.predict_proba``; and the landscape's gradient
  descent against ``nncourse.optim.gradient_descent``, its heavy-ball and
  Nesterov momentum against ``nncourse.optim.descend`` and scikit-learn's
  ``SGDOptimizer``, and the ceilings the explorer announces against the
  spectral radius of the update and against runs just below and above them.
* Every comparison can fail: a perturbed learning rate, activation or weight
  is detected.

Without ``node`` the JavaScript tests skip and say why; with
NNCOURSE_REQUIRE_BROWSER=1 (set in CI) a missing ``node`` fails instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from nncourse import playground as pg
from nncourse.optim import descend, gradient_descent
from nncourse.scratch import SGD, Adam, loss_and_gradients

ROOT = Path(__file__).resolve().parent.parent
MLP_JS = ROOT / "assets" / "playground" / "mlp.js"
DATA_JSON = ROOT / "assets" / "playground" / "playground-data.json"
LECTURE_04 = ROOT / "lectures" / "04-gradient-descent.ipynb"

STEPS = 50
RTOL = 1e-9

# A driver for mlp.js: reads one JSON request on stdin, answers on stdout.
DRIVER = r"""
import { readFileSync } from "node:fs";
import * as mlp from "MLP_URL";

const q = JSON.parse(readFileSync(0, "utf8"));
const out = {};
if (q.mode === "train" || q.mode === "forward") {
  const net = mlp.makeNetwork(q.coefs, q.intercepts);
  const n = q.X.length, X = mlp.toMatrix(q.X), y = Float64Array.from(q.y ?? []);
  if (q.mode === "forward") {
    out.proba = Array.from(mlp.predictProba(net, X, n, q.activation));
  } else {
    const opt = q.solver === "adam"
      ? mlp.adam(net, { learningRate: q.learning_rate })
      : mlp.sgd(net, { learningRate: q.learning_rate, momentum: q.momentum ?? 0 });
    out.losses = [];
    for (let t = 0; t < q.steps; t++) out.losses.push(mlp.trainStep(net, opt, X, y, n, q.activation, q.alpha));
    out.losses.push(mlp.lossAndGradients(net, X, y, n, q.activation, q.alpha).loss);
    out.accuracy = mlp.accuracy(net, X, y, n, q.activation);
  }
} else if (q.mode === "quad") {
  const nesterov = q.nesterov ?? false;
  Object.assign(out, mlp.quadDescent(q.land, q.w0, { eta: q.eta, momentum: q.momentum, nesterov, steps: q.steps }));
  out.curvature = mlp.quadCurvature(q.land);
  out.rate = mlp.quadRate(q.land, q.eta, q.momentum, nesterov);
  out.ceiling = mlp.quadCeiling(q.land, q.momentum, nesterov);
}
process.stdout.write(JSON.stringify(out));
"""


# ------------------------------------------------------------------ helpers
def find_node() -> str | None:
    return shutil.which("node")


@pytest.fixture(scope="module")
def node(tmp_path_factory) -> "callable":
    exe = find_node()
    if exe is None:
        message = "node (Node.js >= 18) is not installed: the JavaScript side of the playground is not tested"
        if os.environ.get("NNCOURSE_REQUIRE_BROWSER"):
            pytest.fail(message + " (NNCOURSE_REQUIRE_BROWSER is set)")
        pytest.skip(message)
    driver = tmp_path_factory.mktemp("node") / "driver.mjs"
    driver.write_text(DRIVER.replace("MLP_URL", MLP_JS.as_uri()), encoding="utf-8")

    def run(request: dict) -> dict:
        done = subprocess.run([exe, str(driver)], input=json.dumps(request), capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DATA_JSON.read_text(encoding="utf-8"))


def numpy_losses(data: dict, key: str, activation: str, solver: str, learning_rate: float,
                 alpha: float = 0.0, steps: int = STEPS) -> np.ndarray:
    """The same full-batch run with nncourse.scratch: loss before each step, and after the last."""
    X = np.array(data["moons"]["X"])
    Y = np.array(data["moons"]["y"], dtype=float).reshape(-1, 1)
    net = data["networks"][key]
    coefs = [np.array(W) for W in net["coefs"]]
    intercepts = [np.array(b) for b in net["intercepts"]]
    params = coefs + intercepts
    opt = Adam(params, learning_rate) if solver == "adam" else SGD(params, learning_rate, momentum=0.0)
    losses = []
    for _ in range(steps):
        loss, gc, gi = loss_and_gradients(X, Y, coefs, intercepts, activation, "logistic", alpha)
        losses.append(loss)
        opt.step(params, gc + gi)
    losses.append(loss_and_gradients(X, Y, coefs, intercepts, activation, "logistic", alpha)[0])
    return np.array(losses)


def js_losses(node, data, key, activation, solver, learning_rate, alpha=0.0, steps=STEPS):
    net = data["networks"][key]
    answer = node({"mode": "train", "coefs": net["coefs"], "intercepts": net["intercepts"],
                   "X": data["moons"]["X"], "y": data["moons"]["y"], "activation": activation,
                   "solver": solver, "learning_rate": learning_rate, "alpha": alpha, "steps": steps})
    return np.array(answer["losses"])


def max_rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.abs(b)))


# ------------------------------------------------------------------ the exported data
def test_exported_file_is_current(data):
    assert DATA_JSON.read_text(encoding="utf-8") == pg.to_json(pg.playground_data()), (
        "assets/playground/playground-data.json is out of date: run python tools/export_playground_data.py")


def _lecture_04_outputs() -> str:
    nb = json.loads(LECTURE_04.read_text(encoding="utf-8"))
    texts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if "text" in out:
                texts.append("".join(out["text"]))
    return "\n".join(texts)


def test_landscape_agrees_with_what_lecture_04_prints(data):
    printed = _lecture_04_outputs()
    land = data["landscape"]
    n, w1, w2, loss = re.search(r"n = (\d+)\s+w\* = \[\s*(\S+)\s+(\S+)\]\s+L\(w\*\) = (\S+)", printed).groups()
    assert land["n"] == int(n)
    assert np.round(land["w_star"], 4).tolist() == [float(w1), float(w2)]
    assert round(land["loss_star"], 4) == float(loss)
    lam = re.search(r"eigenvalues of H: \[\s*(\S+)\s+(\S+)\]", printed).groups()
    assert np.round(land["eigenvalues"], 3).tolist() == [float(v) for v in lam]
    ceiling = re.search(r"ceiling 2 / lambda_max = (\S+)", printed).group(1)
    assert round(land["ceiling"], 3) == float(ceiling)


def test_landscape_moments_reproduce_the_loss():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 2)), rng.normal(size=50)
    land = pg.location_landscape(X, y)
    A, c, d = np.array(land["A"]), np.array(land["c"]), land["d"]
    for w in rng.normal(size=(5, 2)):
        assert w @ A @ w - 2 * c @ w + d == pytest.approx(np.mean((X @ w - y) ** 2), rel=1e-12)
    assert land["ceiling"] == pytest.approx(2 / max(land["eigenvalues"]))
    with pytest.raises(ValueError, match="shape"):
        pg.location_landscape(X[:, :1], y)


def test_moons_are_lecture_02s_and_weights_scikit_learns(data):
    from sklearn.datasets import make_moons
    from sklearn.neural_network import MLPClassifier

    X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    assert np.array_equal(np.array(data["moons"]["X"]), X) and data["moons"]["y"] == y.tolist()
    # scikit-learn's own first weights: one iteration with a learning rate too small to move them
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MLPClassifier((16, 16), activation="logistic", solver="sgd", learning_rate_init=1e-300,
                            momentum=0.0, max_iter=1, random_state=0).fit(X, y)
    net = data["networks"]["16-16:logistic"]
    for W, ours in zip(clf.coefs_, net["coefs"]):
        np.testing.assert_array_equal(W, np.array(ours))
    with pytest.raises(ValueError, match="activation"):
        pg.initial_weights((4,), "softsign")


# ------------------------------------------------------------------ mlp.js against NumPy
CASES = [(act, "gd", lr) for act, lr in [("relu", 0.5), ("tanh", 0.5), ("logistic", 2.0)]]
CASES += [(act, "adam", 0.01) for act in ("relu", "tanh", "logistic")]


@pytest.mark.parametrize("activation, solver, learning_rate", CASES)
@pytest.mark.parametrize("hidden", ["16-16", "8"])
def test_js_training_matches_numpy(node, data, hidden, activation, solver, learning_rate):
    key = f"{hidden}:{'logistic' if activation == 'logistic' else 'glorot'}"
    ours = js_losses(node, data, key, activation, solver, learning_rate)
    ref = numpy_losses(data, key, activation, solver, learning_rate)
    assert len(ours) == len(ref) == STEPS + 1
    rel = max_rel(ours, ref)
    print(f"{hidden} {activation} {solver}: max relative difference over {STEPS} steps {rel:.2e}")
    assert rel < RTOL
    assert ref[-1] < ref[0]  # it learns: the comparison is not between two flat lines


def test_js_l2_penalty_matches_numpy(node, data):
    ours = js_losses(node, data, "8:glorot", "tanh", "adam", 0.01, alpha=0.5)
    ref = numpy_losses(data, "8:glorot", "tanh", "adam", 0.01, alpha=0.5)
    assert max_rel(ours, ref) < RTOL
    assert max_rel(ref, numpy_losses(data, "8:glorot", "tanh", "adam", 0.01)) > 1e-4


@pytest.mark.parametrize("solver, lr", [("gd", 0.5), ("adam", 0.01)])
def test_training_comparison_bites(node, data, solver, lr):
    """A learning rate off by one part in a million, or another activation, is detected."""
    ours = js_losses(node, data, "16-16:glorot", "relu", solver, lr)
    assert max_rel(ours, numpy_losses(data, "16-16:glorot", "relu", solver, lr * (1 + 1e-6))) > RTOL
    assert max_rel(ours, numpy_losses(data, "16-16:glorot", "tanh", solver, lr)) > RTOL


@pytest.mark.parametrize("activation", pg.ACTIVATIONS)
def test_js_forward_matches_predict_proba(node, activation):
    from sklearn.neural_network import MLPClassifier

    X, y = pg.moons()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MLPClassifier((16, 16), activation=activation, max_iter=300, random_state=1).fit(X, y)
    grid = np.mgrid[-2:3:0.25, -1.5:2:0.25].reshape(2, -1).T
    request = {"mode": "forward", "coefs": [W.tolist() for W in clf.coefs_],
               "intercepts": [b.tolist() for b in clf.intercepts_], "activation": activation}
    proba = np.array(node({**request, "X": grid.tolist()})["proba"])
    expected = clf.predict_proba(grid)[:, 1]
    rel = max_rel(proba, expected)
    print(f"forward {activation}: max relative difference to predict_proba {rel:.2e}")
    assert rel < RTOL
    # bites: one weight nudged by 1e-6
    request["coefs"][1][0][0] += 1e-6
    assert max_rel(np.array(node({**request, "X": grid.tolist()})["proba"]), expected) > RTOL


# ------------------------------------------------------------------ the landscape in JavaScript
def _python_descent(land: dict, eta: float, steps: int):
    A, c, d = np.array(land["A"]), np.array(land["c"]), land["d"]
    return gradient_descent(lambda w: 2 * (A @ w - c), land["start"], eta, n_steps=steps, tol=0,
                            loss_fn=lambda w: w @ A @ w - 2 * c @ w + d)


@pytest.mark.parametrize("eta", [0.03, 0.3, 0.51, 0.55])
def test_js_landscape_descent_matches_nncourse_optim(node, data, eta):
    land = data["landscape"]
    res = _python_descent(land, eta, 60)
    js = node({"mode": "quad", "land": land, "w0": land["start"], "eta": eta, "momentum": 0, "steps": 60})
    assert (js["status"] == "diverged") == (res.status == "diverged")
    np.testing.assert_allclose(np.array(js["path"]), res.path, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(js["losses"], res.losses, rtol=1e-9)
    np.testing.assert_allclose(js["curvature"]["eigenvalues"], land["eigenvalues"], rtol=1e-12)
    assert js["curvature"]["ceiling"] == pytest.approx(land["ceiling"], rel=1e-12)


def _update_matrix(land: dict, eta: float, momentum: float, nesterov: bool) -> np.ndarray:
    """The linear map (w_t - w*, v_t) -> (w_{t+1} - w*, v_{t+1}) of scikit-learn's SGDOptimizer on the landscape.

    v' = mu v - eta H e; heavy ball e' = e + v', Nesterov e' = e + mu v' - eta H e.
    """
    H, I = 2 * np.array(land["A"]), np.eye(2)
    v_row = np.hstack([-eta * H, momentum * I])
    if nesterov:
        e_row = np.hstack([I - (1 + momentum) * eta * H, momentum**2 * I])
    else:
        e_row = np.hstack([I - eta * H, momentum * I])
    return np.vstack([e_row, v_row])


def _spectral_radius(land, eta, momentum, nesterov) -> float:
    return float(max(abs(np.linalg.eigvals(_update_matrix(land, eta, momentum, nesterov)))))


RATE_CASES = [(0.3, 0.0), (0.55, 0.0), (0.1, 0.5), (0.9, 0.5), (0.6, 0.9), (0.34, 0.9), (1.1, 0.95)]


@pytest.mark.parametrize("nesterov", [False, True], ids=["heavy-ball", "nesterov"])
@pytest.mark.parametrize("eta, momentum", RATE_CASES)
def test_js_growth_factor_is_the_spectral_radius(node, data, eta, momentum, nesterov):
    """quadRate is the largest |eigenvalue| of the update's 4x4 matrix, for either momentum."""
    land = data["landscape"]
    js = node({"mode": "quad", "land": land, "w0": land["start"], "eta": eta, "momentum": momentum,
               "nesterov": nesterov, "steps": 1})
    assert js["rate"] == pytest.approx(_spectral_radius(land, eta, momentum, nesterov), rel=1e-9)


def test_update_matrix_is_scikit_learns_step():
    """The 4x4 matrix above is one step of SGDOptimizer (so the growth factors are scikit-learn's)."""
    from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

    land = pg.location_landscape(*_small_problem())
    A, c = np.array(land["A"]), np.array(land["c"])
    w_star = np.linalg.solve(A, c)
    for nesterov in (False, True):
        w = np.array([0.7, -0.2])
        opt = SGDOptimizer([w], learning_rate_init=0.2, momentum=0.8, nesterov=nesterov)
        state = np.concatenate([w - w_star, np.zeros(2)])
        M = _update_matrix(land, 0.2, 0.8, nesterov)
        for _ in range(5):
            opt.update_params([w], [2 * (A @ w - c)])
            state = M @ state
            np.testing.assert_allclose(w - w_star, state[:2], rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(opt.velocities[0], state[2:], rtol=1e-9, atol=1e-12)


def _small_problem():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2)) @ np.array([[1.0, 0.6], [0.0, 0.5]])
    return X, X @ np.array([0.5, -1.0]) + 0.1 * rng.normal(size=40)


# ------------------------------------------------------------------ momentum: heavy ball and Nesterov
MOMENTUM_CASES = [(0.3, 0.5), (0.3, 0.9), (0.34, 0.9), (0.36, 0.9), (0.9, 0.9), (1.0, 0.9), (0.2, 0.95)]


@pytest.mark.parametrize("nesterov", [False, True], ids=["heavy-ball", "nesterov"])
@pytest.mark.parametrize("eta, momentum", MOMENTUM_CASES)
def test_js_momentum_matches_nncourse_optim(node, data, eta, momentum, nesterov):
    """The explorer's momentum runs take descend()'s steps, to 1e-9, and stop where it stops."""
    land = data["landscape"]
    A, c, d = np.array(land["A"]), np.array(land["c"]), land["d"]
    res = descend(lambda w: 2 * (A @ w - c), land["start"], method="nesterov" if nesterov else "momentum",
                  eta=eta, momentum=momentum, n_steps=80, loss_fn=lambda w: w @ A @ w - 2 * c @ w + d)
    js = node({"mode": "quad", "land": land, "w0": land["start"], "eta": eta, "momentum": momentum,
               "nesterov": nesterov, "steps": 80})
    assert (js["status"] == "diverged") == (res.status == "diverged")
    np.testing.assert_allclose(np.array(js["path"]), res.path, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(js["losses"], res.losses, rtol=1e-9)


@pytest.mark.parametrize("nesterov", [False, True], ids=["heavy-ball", "nesterov"])
def test_js_momentum_is_scikit_learns_sgd_optimizer(node, data, nesterov):
    """The same 60 steps as scikit-learn's own SGDOptimizer (nesterov=True is MLPClassifier's default)."""
    from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

    land = data["landscape"]
    A, c = np.array(land["A"]), np.array(land["c"])
    w = np.array(land["start"])
    opt = SGDOptimizer([w], learning_rate_init=0.3, momentum=0.9, nesterov=nesterov)
    path = [w.copy()]
    for _ in range(60):
        opt.update_params([w], [2 * (A @ w - c)])  # updates w in place
        path.append(w.copy())
    js = node({"mode": "quad", "land": land, "w0": land["start"], "eta": 0.3, "momentum": 0.9,
               "nesterov": nesterov, "steps": 60})
    np.testing.assert_allclose(np.array(js["path"]), np.array(path), rtol=1e-9, atol=1e-12)
    # bites: the other kind of momentum takes other steps
    other = node({"mode": "quad", "land": land, "w0": land["start"], "eta": 0.3, "momentum": 0.9,
                  "nesterov": not nesterov, "steps": 60})
    assert not np.allclose(np.array(other["path"]), np.array(path), rtol=1e-9, atol=0)


@pytest.mark.parametrize("nesterov", [False, True], ids=["heavy-ball", "nesterov"])
@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9, 0.95])
def test_ceilings_are_where_the_spectral_radius_reaches_one(node, data, momentum, nesterov):
    """quadCeiling (JS) = momentum_ceiling (Python) = the eta where the update's spectral radius reaches 1,
    and a run just below it converges while one just above it is stopped as diverged."""
    land = data["landscape"]
    lambda_max = land["eigenvalues"][-1]
    ceiling = pg.momentum_ceiling(lambda_max, momentum, nesterov)
    q = {"mode": "quad", "land": land, "w0": land["start"], "momentum": momentum, "nesterov": nesterov}
    assert node({**q, "eta": 0.3, "steps": 1})["ceiling"] == pytest.approx(ceiling, rel=1e-12)
    lo, hi = 1e-3, 3.0  # bisection on the spectral radius of the update
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _spectral_radius(land, mid, momentum, nesterov) < 1 else (lo, mid)
    assert ceiling == pytest.approx(lo, rel=1e-9)
    below = node({**q, "eta": 0.97 * ceiling, "steps": 3000})
    above = node({**q, "eta": 1.03 * ceiling, "steps": 3000})
    assert below["status"] == "ran" and below["rate"] < 1
    assert below["losses"][-1] - land["loss_star"] < 1e-6 * (below["losses"][0] - land["loss_star"])
    assert above["status"] == "diverged" and above["rate"] > 1


def test_momentum_lifts_the_heavy_ball_ceiling_and_lowers_nesterovs(data):
    """What playground.qmd and lecture 04 say: at mu = 0.9 heavy ball's ceiling is about 0.99, Nesterov's
    (scikit-learn's default) about 0.35, against 0.52 without momentum."""
    lambda_max = data["landscape"]["eigenvalues"][-1]
    assert round(pg.momentum_ceiling(lambda_max), 2) == 0.52
    assert round(pg.momentum_ceiling(lambda_max, 0.9), 2) == 0.99
    assert round(pg.momentum_ceiling(lambda_max, 0.9, nesterov=True), 2) == 0.35
    mus = np.linspace(0.05, 0.99, 20)
    assert all(pg.momentum_ceiling(lambda_max, mu) > pg.momentum_ceiling(lambda_max) for mu in mus)
    assert all(pg.momentum_ceiling(lambda_max, mu, True) < pg.momentum_ceiling(lambda_max) for mu in mus)
    for bad in (-0.1, 1.0):
        with pytest.raises(ValueError, match="momentum"):
            pg.momentum_ceiling(lambda_max, bad)
    with pytest.raises(ValueError, match="lambda_max"):
        pg.momentum_ceiling(0.0)


def test_landscape_divergence_is_where_lecture_04_says(node, data):
    """Just under the ceiling the run stays; just over it, it diverges (lecture 04: 31 steps at 0.55)."""
    land = data["landscape"]
    q = {"mode": "quad", "land": land, "w0": land["start"], "momentum": 0, "steps": 60}
    below = node({**q, "eta": land["ceiling"] * 0.98, "steps": 300})
    above = node({**q, "eta": land["ceiling"] * 1.05, "steps": 300})
    assert below["status"] == "ran" and above["status"] == "diverged"
    assert node({**q, "eta": 0.55})["divergedAt"] == 32  # 31 steps kept, the 32nd diverged
    assert "diverged  after 31 steps" in _lecture_04_outputs()
    # bites: a perturbed learning rate gives another path
    other = node({**q, "eta": 0.3 * (1 + 1e-6)})
    assert not np.allclose(np.array(other["path"]), _python_descent(land, 0.3, 60).path, rtol=1e-9, atol=0)


def test_driver_runs_the_file_in_this_repository():
    assert MLP_JS.is_file() and "export function trainStep" in MLP_JS.read_text(encoding="utf-8")
    assert sys.version_info >= (3, 9)
