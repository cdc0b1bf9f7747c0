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
  descent against ``nncourse.optim.gradient_descent``.
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
from nncourse.optim import gradient_descent
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
  Object.assign(out, mlp.quadDescent(q.land, q.w0, { eta: q.eta, momentum: q.momentum, steps: q.steps }));
  out.curvature = mlp.quadCurvature(q.land);
  out.rate = mlp.quadRate(q.land, q.eta, q.momentum);
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


@pytest.mark.parametrize("eta, momentum", [(0.3, 0.0), (0.55, 0.0), (0.1, 0.5), (0.9, 0.5), (0.6, 0.9)])
def test_js_growth_factor_is_the_spectral_radius(node, data, eta, momentum):
    """quadRate is the largest |eigenvalue| of the heavy-ball update's 4x4 matrix."""
    land = data["landscape"]
    H, I = 2 * np.array(land["A"]), np.eye(2)
    M = np.block([[(1 + momentum) * I - eta * H, -momentum * I], [I, 0 * I]])
    js = node({"mode": "quad", "land": land, "w0": land["start"], "eta": eta, "momentum": momentum, "steps": 1})
    assert js["rate"] == pytest.approx(max(abs(np.linalg.eigvals(M))), rel=1e-9)


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
