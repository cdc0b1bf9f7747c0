// lr-explorer.js: the learning-rate explorer, gradient descent on lecture 04's
// location model, drawn with plain SVG and native <input> elements.
//
// Everything it computes comes from mlp.js (quadDescent, quadRate, quadCeiling,
// quadCurvature), which tests/test_playground.py checks against nncourse.optim
// (gradient_descent, and descend with heavy-ball and Nesterov momentum) and against
// scikit-learn's SGDOptimizer, on the landscape tools/export_playground_data.py
// wrote to playground-data.json.
// It loads nothing but these two files, both next to it on the site.
//
// Use: <div data-nn-demo="lr-explorer">fallback text</div> and
//      <script type="module" src="(path to)/assets/playground/lr-explorer.js"></script>
// (assets/playground/lr-explorer.qmd for a page, or the same HTML in a notebook's markdown cell).

import * as mlp from "./mlp.js";

const DATA = new URL("./playground-data.json", import.meta.url);

/** Build the demo inside `host` (its content is replaced). */
export function mount(host, land) {
  const C = { path: "#D55E00", start: "#D55E00", contour: "#8a8a8a", ok: "#009E73", bad: "#D55E00" };
  const { eigenvalues, ceiling } = mlp.quadCurvature(land);
  const wStar = land.w_star, lossStar = mlp.quadLoss(land, wStar);

  const root = document.createElement("div");
  root.className = "nn-playground nn-lrx";
  root.innerHTML = `
    <style>
      .nn-playground { font-size: 18px; line-height: 1.3; max-width: 1000px; margin: 0 auto; }
      .nn-playground .nn-controls { display: flex; flex-wrap: wrap; gap: 0.4em 1.6em; align-items: center; margin-bottom: 0.3em; }
      .nn-playground label { display: inline-flex; align-items: center; gap: 0.4em; white-space: nowrap; }
      .nn-playground input[type=range] { width: 150px; }
      .nn-playground #lrx-eta { width: 260px; }
      .nn-playground output { font-variant-numeric: tabular-nums; min-width: 2.6em; display: inline-block; }
      .nn-playground .nn-status { min-height: 2.6em; margin: 0.2em 0 0.3em; }
      .nn-playground .nn-figures { display: flex; flex-wrap: wrap; gap: 12px; justify-content: center; }
      .nn-playground svg, .nn-playground canvas { display: block; max-width: 100%; height: auto; }
      .nn-playground svg text { fill: currentColor; font-size: 14px; }
      /* white on a dark Okabe-Ito green / vermillion: contrast above 6:1, in the light and the dark theme */
      .nn-playground .nn-good, .nn-playground .nn-bad { color: #fff; font-weight: bold; padding: 0 0.3em; border-radius: 3px; }
      .nn-playground .nn-good { background: #00704F; }
      .nn-playground .nn-bad { background: #B03A00; }
      .nn-playground button { font-size: 17px; padding: 0.15em 0.8em; }
      .nn-playground select { font-size: 17px; }
    </style>
    <div class="nn-controls">
      <label for="lrx-eta">learning rate η
        <input type="range" id="lrx-eta" min="0.01" max="1.2" step="0.01" value="0.3">
        <output for="lrx-eta" id="lrx-eta-out"></output></label>
      <label for="lrx-momentum">momentum μ
        <input type="range" id="lrx-momentum" min="0" max="0.95" step="0.05" value="0">
        <output for="lrx-momentum" id="lrx-momentum-out"></output></label>
      <label for="lrx-kind">momentum type
        <select id="lrx-kind">
          <option value="heavy-ball" selected>heavy ball</option>
          <option value="nesterov">Nesterov (scikit-learn's default)</option>
        </select></label>
      <label for="lrx-steps">steps
        <input type="range" id="lrx-steps" min="1" max="200" step="1" value="50">
        <output for="lrx-steps" id="lrx-steps-out"></output></label>
    </div>
    <div class="nn-status" id="lrx-status" role="status" aria-live="polite"></div>
    <div class="nn-figures">
      <svg id="lrx-map" viewBox="0 0 470 330" width="470" height="330" role="img"></svg>
      <svg id="lrx-curve" viewBox="0 0 420 330" width="420" height="330" role="img"></svg>
    </div>`;
  const $ = (id) => root.querySelector("#" + id);
  const NS = "http://www.w3.org/2000/svg";
  const el = (tag, attrs = {}, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const fmt = (x, digits = 3) => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0)
    ? x.toExponential(1) : x.toFixed(digits));

  // ---- the contour map: axes of lecture 04's figures, w1 in [-4.5, 3.5], w2 in [-4.5, 1.5]
  const map = { x0: -4.5, x1: 3.5, y0: -4.5, y1: 1.5, left: 52, right: 460, top: 10, bottom: 286 };
  const mx = (w) => map.left + ((w - map.x0) / (map.x1 - map.x0)) * (map.right - map.left);
  const my = (w) => map.bottom - ((w - map.y0) / (map.y1 - map.y0)) * (map.bottom - map.top);
  const svgMap = $("lrx-map");
  svgMap.append(el("title", {}, "Contour map of the loss of lecture 04's location model"));
  const clip = el("clipPath", { id: "lrx-clip" });
  clip.append(el("rect", { x: map.left, y: map.top, width: map.right - map.left, height: map.bottom - map.top }));
  svgMap.append(clip);
  svgMap.append(el("rect", { x: map.left, y: map.top, width: map.right - map.left, height: map.bottom - map.top,
                             fill: "none", stroke: "currentColor", "stroke-width": 1 }));
  // Level sets of a quadratic are ellipses around w*: with A = Q diag(mu) Q^T,
  // L(w) = L* + Delta on w = w* + Q (sqrt(Delta / mu1) cos t, sqrt(Delta / mu2) sin t).
  const [[a11, a12], [, a22]] = land.A;
  const mu = eigenvalues.map((lam) => lam / 2); // eigenvalues of A (H = 2A)
  const vec = mu.map((m) => { const v = [a12, m - a11], n = Math.hypot(...v); return [v[0] / n, v[1] / n]; });
  const contours = el("g", { "clip-path": "url(#lrx-clip)", fill: "none", stroke: C.contour, "stroke-width": 1 });
  for (const delta of [0.02, 0.1, 0.3, 0.7, 1.5, 3, 6, 12, 24, 48]) {
    const pts = [];
    for (let k = 0; k <= 120; k++) {
      const t = (2 * Math.PI * k) / 120, u = Math.sqrt(delta / mu[0]) * Math.cos(t), v = Math.sqrt(delta / mu[1]) * Math.sin(t);
      pts.push(`${mx(wStar[0] + u * vec[0][0] + v * vec[1][0]).toFixed(1)},${my(wStar[1] + u * vec[0][1] + v * vec[1][1]).toFixed(1)}`);
    }
    contours.append(el("polyline", { points: pts.join(" ") }));
  }
  svgMap.append(contours);
  svgMap.append(el("path", { d: `M${mx(wStar[0]) - 6},${my(wStar[1]) - 6}l12,12m0,-12l-12,12`, stroke: "currentColor", "stroke-width": 2.5 }));
  for (const t of [-4, -2, 0, 2]) {
    svgMap.append(el("text", { x: mx(t), y: map.bottom + 18, "text-anchor": "middle" }, String(t)));
  }
  for (const t of [-4, -2, 0]) {
    svgMap.append(el("text", { x: map.left - 8, y: my(t) + 5, "text-anchor": "end" }, String(t)));
  }
  svgMap.append(el("text", { x: (map.left + map.right) / 2, y: 322, "text-anchor": "middle" }, "w₁ (latitude)"));
  svgMap.append(el("text", { x: 14, y: (map.top + map.bottom) / 2, "text-anchor": "middle",
                             transform: `rotate(-90 14 ${(map.top + map.bottom) / 2})` }, "w₂ (longitude)"));
  const pathLayer = el("g", { "clip-path": "url(#lrx-clip)" });
  svgMap.append(pathLayer);

  // ---- the loss curve: L(w_t) - L(w*) on a log axis, 1e-6 to 1e4
  const cv = { left: 62, right: 400, top: 10, bottom: 286, lo: -6, hi: 4 };
  const svgCurve = $("lrx-curve");
  svgCurve.append(el("title", {}, "Loss minus its minimum against the step, log scale"));
  svgCurve.append(el("rect", { x: cv.left, y: cv.top, width: cv.right - cv.left, height: cv.bottom - cv.top,
                               fill: "none", stroke: "currentColor", "stroke-width": 1 }));
  const cy = (v) => cv.bottom - ((Math.min(Math.max(Math.log10(v), cv.lo), cv.hi) - cv.lo) / (cv.hi - cv.lo)) * (cv.bottom - cv.top);
  for (let e = cv.lo; e <= cv.hi; e += 2) {
    svgCurve.append(el("line", { x1: cv.left, x2: cv.right, y1: cy(10 ** e), y2: cy(10 ** e), stroke: C.contour, "stroke-width": 0.5 }));
    svgCurve.append(el("text", { x: cv.left - 6, y: cy(10 ** e) + 5, "text-anchor": "end" }, `1e${e}`));
  }
  svgCurve.append(el("text", { x: (cv.left + cv.right) / 2, y: 322, "text-anchor": "middle" }, "step t"));
  svgCurve.append(el("text", { x: 14, y: (cv.top + cv.bottom) / 2, "text-anchor": "middle",
                               transform: `rotate(-90 14 ${(cv.top + cv.bottom) / 2})` }, "L(wₜ) − L(w*)"));
  const curveTicks = el("g"), curveLayer = el("g");
  svgCurve.append(curveTicks, curveLayer);

  function update() {
    const eta = +$("lrx-eta").value, momentum = +$("lrx-momentum").value, steps = +$("lrx-steps").value;
    const nesterov = $("lrx-kind").value === "nesterov";
    $("lrx-eta-out").value = eta.toFixed(2);
    $("lrx-momentum-out").value = momentum.toFixed(2);
    $("lrx-steps-out").value = String(steps);
    const run = mlp.quadDescent(land, land.start, { eta, momentum, nesterov, steps });
    const rate = mlp.quadRate(land, eta, momentum, nesterov);
    const limit = mlp.quadCeiling(land, momentum, nesterov);
    const diverges = rate > 1;

    // the path on the map
    pathLayer.replaceChildren();
    const pts = run.path.map(([a, b]) => `${mx(a).toFixed(1)},${my(b).toFixed(1)}`);
    pathLayer.append(el("polyline", { points: pts.join(" "), fill: "none", stroke: C.path, "stroke-width": 1.6, class: "lrx-path" }));
    for (const [a, b] of run.path.slice(1)) pathLayer.append(el("circle", { cx: mx(a), cy: my(b), r: 2.6, fill: C.path }));
    pathLayer.append(el("rect", { x: mx(land.start[0]) - 6, y: my(land.start[1]) - 6, width: 12, height: 12, fill: C.start }));

    // the loss curve
    const sx = (t) => cv.left + (t / steps) * (cv.right - cv.left);
    curveTicks.replaceChildren();
    const tickStep = steps <= 10 ? 1 : steps <= 50 ? 10 : steps <= 100 ? 20 : 50;
    for (let t = 0; t <= steps; t += tickStep) curveTicks.append(el("text", { x: sx(t), y: cv.bottom + 18, "text-anchor": "middle" }, String(t)));
    curveLayer.replaceChildren(el("polyline", {
      points: run.losses.map((v, t) => `${sx(t).toFixed(1)},${cy(Math.max(v - lossStar, 1e-12)).toFixed(1)}`).join(" "),
      fill: "none", stroke: diverges ? C.bad : C.ok, "stroke-width": 2, class: "lrx-loss" }));

    // what happened, in words
    const last = run.losses[run.losses.length - 1] - lossStar;
    // at mu = 0 both kinds of momentum are plain gradient descent, with the ceiling 2 / lambda_max
    const where = momentum === 0
      ? `the ceiling 2/λ<sub>max</sub> = ${ceiling.toFixed(3)}`
      : nesterov
        ? `the ceiling with Nesterov momentum μ = ${momentum.toFixed(2)}, lowered to 2(1 + μ)/((1 + 2μ)λ<sub>max</sub>) = ${limit.toFixed(3)}`
        : `the ceiling with heavy-ball momentum μ = ${momentum.toFixed(2)}, lifted to 2(1 + μ)/λ<sub>max</sub> = ${limit.toFixed(3)}`;
    const side = eta > limit ? "above" : "below";
    let text = `η = ${eta.toFixed(2)} is ${side} ${where}: `;
    if (diverges) {
      text += `<span class="nn-bad">diverges</span>, the error grows by a factor ${rate.toFixed(3)} per step`;
      text += run.status === "diverged"
        ? `; stopped at step ${run.divergedAt}, where the loss passed 1,000 × its start.`
        : ` (after ${steps} steps L − L* = ${fmt(last)}).`;
    } else {
      text += `<span class="nn-good">converges</span>, the error shrinks by a factor ${rate.toFixed(3)} per step; after ${steps} steps L − L* = ${fmt(last)}.`;
    }
    $("lrx-status").innerHTML = text;
    root.dataset.status = diverges ? "diverges" : "converges";
    root.dataset.steps = String(run.path.length - 1);
    const method = momentum === 0 ? "gradient descent" : nesterov ? "Nesterov momentum" : "heavy-ball momentum";
    svgMap.setAttribute("aria-label", `Contour map of the loss over the weights w1 and w2 with the path of ${run.path.length - 1} steps of ${method} from (2, -1); the minimum is at (${wStar[0].toFixed(2)}, ${wStar[1].toFixed(2)}).`);
    svgCurve.setAttribute("aria-label", `Loss minus its minimum against the step, log scale: the run ${diverges ? "diverges" : "converges"}.`);
  }
  for (const id of ["lrx-eta", "lrx-momentum", "lrx-steps"]) $(id).addEventListener("input", update);
  $("lrx-kind").addEventListener("change", update);
  update();
  host.replaceChildren(root);
  host.dataset.mounted = "true";
  return root;
}

// Mount every placeholder on the page once the data has arrived.
const hosts = [...document.querySelectorAll('[data-nn-demo="lr-explorer"]:not([data-mounted])')];
if (hosts.length) {
  fetch(DATA)
    .then((response) => response.json())
    .then((data) => hosts.forEach((host) => mount(host, data.landscape)));
}
