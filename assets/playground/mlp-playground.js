// mlp-playground.js: a small MLP trained on lecture 02's moons, live: the
// decision boundary on a canvas, the loss curve in SVG, native controls.
//
// The network is mlp.js (scikit-learn's forward pass, backpropagation, gradient
// descent and Adam; tests/test_playground.py checks every loss against the
// course's NumPy MLP), starting from the weights scikit-learn would draw
// (playground-data.json, written by tools/export_playground_data.py).
//
// Use: <div data-nn-demo="mlp-playground">fallback text</div> and
//      <script type="module" src="(path to)/assets/playground/mlp-playground.js"></script>

import * as mlp from "./mlp.js";

const DATA = new URL("./playground-data.json", import.meta.url);

/** Build the demo inside `host` (its content is replaced). */
export function mount(host, data) {
  const RATES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]; // the slider's stops
  const C = { c0: "#0072B2", c1: "#D55E00", loss: "#009E73", grid: "#8a8a8a" };
  const X = mlp.toMatrix(data.moons.X), y = Float64Array.from(data.moons.y), n = data.moons.y.length;

  const root = document.createElement("div");
  root.className = "nn-playground nn-mlpg";
  const options = (values, selected) => values.map((v) =>
    `<option value="${v}"${String(v) === String(selected) ? " selected" : ""}>${v}</option>`).join("");
  root.innerHTML = `
    <style>
      .nn-playground { font-size: 18px; line-height: 1.3; max-width: 1000px; margin: 0 auto; }
      .nn-playground .nn-controls { display: flex; flex-wrap: wrap; gap: 0.4em 1.4em; align-items: center; margin-bottom: 0.35em; }
      .nn-playground label { display: inline-flex; align-items: center; gap: 0.4em; white-space: nowrap; }
      .nn-playground input[type=range] { width: 150px; }
      .nn-playground output { font-variant-numeric: tabular-nums; min-width: 3.2em; display: inline-block; }
      .nn-playground .nn-status { margin: 0.2em 0 0.3em; font-variant-numeric: tabular-nums; }
      .nn-playground .nn-figures { display: flex; flex-wrap: wrap; gap: 12px; justify-content: center; }
      .nn-playground svg, .nn-playground canvas { display: block; max-width: 100%; height: auto; }
      .nn-playground svg text { fill: currentColor; font-size: 14px; }
      .nn-playground button, .nn-playground select { font-size: 17px; }
      /* the page's text colour, in the light and the dark theme alike */
      .nn-playground button, .nn-playground select { color: inherit; background: transparent; border: 1px solid currentColor; border-radius: 4px; }
      .nn-playground select option { color: #222; background: #fff; }
      .nn-playground button[aria-pressed=true] { font-weight: bold; }
      .nn-playground button { padding: 0.15em 0.8em; min-width: 4.2em; }
      /* white on a dark Okabe-Ito green / vermillion: contrast above 6:1, in the light and the dark theme */
      .nn-playground .nn-good, .nn-playground .nn-bad { color: #fff; font-weight: bold; padding: 0 0.3em; border-radius: 3px; }
      .nn-playground .nn-good { background: #00704F; }
      .nn-playground .nn-bad { background: #B03A00; }
    </style>
    <div class="nn-controls">
      <label for="mlpg-layers">hidden layers <select id="mlpg-layers">${options([1, 2], 2)}</select></label>
      <label for="mlpg-width">units per layer <select id="mlpg-width">${options([2, 4, 8, 16], 8)}</select></label>
      <label for="mlpg-activation">activation <select id="mlpg-activation">${options(["relu", "tanh", "logistic"], "relu")}</select></label>
      <label for="mlpg-solver">optimiser <select id="mlpg-solver">
        <option value="gd">gradient descent</option><option value="adam">Adam</option></select></label>
    </div>
    <div class="nn-controls">
      <label for="mlpg-lr">learning rate
        <input type="range" id="mlpg-lr" min="0" max="12" step="1" value="8">
        <output for="mlpg-lr" id="mlpg-lr-out"></output></label>
      <button type="button" id="mlpg-play" aria-pressed="false">Play</button>
      <button type="button" id="mlpg-step">Step</button>
      <button type="button" id="mlpg-reset">Reset</button>
    </div>
    <div class="nn-status" id="mlpg-status"></div>
    <div class="nn-figures">
      <canvas id="mlpg-boundary" width="440" height="300" role="img"></canvas>
      <svg id="mlpg-curve" viewBox="0 0 420 300" width="420" height="300" role="img"></svg>
    </div>`;
  const $ = (id) => root.querySelector("#" + id);
  const NS = "http://www.w3.org/2000/svg";
  const el = (tag, attrs = {}, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // ---- state: the network, its optimiser, the losses so far
  let net, optimizer, losses, steps, playing = false, frame = null, stopped = "";
  const settings = () => ({
    layers: +$("mlpg-layers").value, width: +$("mlpg-width").value,
    activation: $("mlpg-activation").value, solver: $("mlpg-solver").value,
    lr: RATES[+$("mlpg-lr").value],
  });
  function reset() {
    const s = settings();
    const key = Array(s.layers).fill(s.width).join("-") + ":" + (s.activation === "logistic" ? "logistic" : "glorot");
    const start = data.networks[key]; // scikit-learn's initial weights, MLPClassifier(random_state=0)
    net = mlp.makeNetwork(start.coefs, start.intercepts);
    optimizer = s.solver === "adam" ? mlp.adam(net, { learningRate: s.lr }) : mlp.sgd(net, { learningRate: s.lr });
    losses = [];
    steps = 0;
    stopped = "";
  }

  // ---- the decision boundary: P(class 1) on a grid, drawn on a canvas
  const canvas = $("mlpg-boundary"), ctx = canvas.getContext("2d");
  const box = { x0: -1.5, x1: 2.6, y0: -1.2, y1: 1.6 }; // the moons with a margin
  const GX = 82, GY = 56; // grid of P(class 1), smoothed when scaled up to 440 x 300
  const grid = new Float64Array(GX * GY * 2);
  for (let j = 0; j < GY; j++) for (let i = 0; i < GX; i++) {
    grid[2 * (j * GX + i)] = box.x0 + ((i + 0.5) / GX) * (box.x1 - box.x0);
    grid[2 * (j * GX + i) + 1] = box.y1 - ((j + 0.5) / GY) * (box.y1 - box.y0);
  }
  const small = document.createElement("canvas");
  small.width = GX; small.height = GY;
  const smallCtx = small.getContext("2d"), image = smallCtx.createImageData(GX, GY);
  const px = (x) => ((x - box.x0) / (box.x1 - box.x0)) * canvas.width;
  const py = (v) => ((box.y1 - v) / (box.y1 - box.y0)) * canvas.height;
  const mix = (a, b, t) => Math.round(a + (b - a) * t);
  function drawBoundary() {
    const p = mlp.predictProba(net, grid, GX * GY, settings().activation);
    for (let k = 0; k < GX * GY; k++) {
      const t = Number.isFinite(p[k]) ? p[k] : 0.5; // white (p = 0.5) to light blue (0) or light vermillion (1)
      const [r, g, b] = t < 0.5 ? [mix(170, 255, 2 * t), mix(205, 255, 2 * t), mix(235, 255, 2 * t)]
                                : [mix(255, 240, 2 * t - 1), mix(255, 195, 2 * t - 1), mix(255, 165, 2 * t - 1)];
      image.data.set([r, g, b, 255], 4 * k);
    }
    smallCtx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
    // the boundary p = 0.5: marching squares on the grid, one segment per cell it crosses
    ctx.strokeStyle = "#000"; ctx.lineWidth = 2; ctx.beginPath();
    const cx = (i) => ((i + 0.5) / GX) * canvas.width, cyy = (j) => ((j + 0.5) / GY) * canvas.height;
    for (let j = 0; j < GY - 1; j++) for (let i = 0; i < GX - 1; i++) {
      const v = [p[j * GX + i], p[j * GX + i + 1], p[(j + 1) * GX + i + 1], p[(j + 1) * GX + i]].map((q) => q - 0.5);
      const corners = [[cx(i), cyy(j)], [cx(i + 1), cyy(j)], [cx(i + 1), cyy(j + 1)], [cx(i), cyy(j + 1)]];
      const cut = [];
      for (let e = 0; e < 4; e++) {
        const a = v[e], b = v[(e + 1) % 4];
        if ((a < 0) !== (b < 0)) {
          const t = a / (a - b), [xa, ya] = corners[e], [xb, yb] = corners[(e + 1) % 4];
          cut.push([xa + t * (xb - xa), ya + t * (yb - ya)]);
        }
      }
      for (let c = 0; c + 1 < cut.length; c += 2) { ctx.moveTo(...cut[c]); ctx.lineTo(...cut[c + 1]); }
    }
    ctx.stroke();
    // the 200 points: class 0 blue circles, class 1 vermillion squares (as in lecture 02)
    ctx.lineWidth = 1; ctx.strokeStyle = "#fff";
    for (let r = 0; r < n; r++) {
      const x = px(X[2 * r]), v = py(X[2 * r + 1]);
      ctx.beginPath();
      if (y[r] === 1) { ctx.fillStyle = C.c1; ctx.rect(x - 4, v - 4, 8, 8); }
      else { ctx.fillStyle = C.c0; ctx.arc(x, v, 4.4, 0, 2 * Math.PI); }
      ctx.fill(); ctx.stroke();
    }
  }

  // ---- the loss curve
  const cv = { left: 56, right: 398, top: 10, bottom: 256 };
  const svgCurve = $("mlpg-curve");
  svgCurve.append(el("title", {}, "Training loss against the step"));
  svgCurve.append(el("rect", { x: cv.left, y: cv.top, width: cv.right - cv.left, height: cv.bottom - cv.top,
                               fill: "none", stroke: "currentColor", "stroke-width": 1 }));
  svgCurve.append(el("text", { x: (cv.left + cv.right) / 2, y: 294, "text-anchor": "middle" }, "step"));
  svgCurve.append(el("text", { x: 14, y: (cv.top + cv.bottom) / 2, "text-anchor": "middle",
                               transform: `rotate(-90 14 ${(cv.top + cv.bottom) / 2})` }, "cross-entropy loss"));
  const axes = el("g"), line = el("polyline", { fill: "none", stroke: C.loss, "stroke-width": 2, class: "mlpg-loss" });
  svgCurve.append(axes, line);
  function drawCurve() {
    const top = Math.max(0.8, ...losses.slice(0, 5).filter(Number.isFinite)) * 1.05;
    const span = Math.max(100, Math.ceil(losses.length / 100) * 100);
    const sx = (t) => cv.left + (t / span) * (cv.right - cv.left);
    const sy = (v) => cv.bottom - (Math.min(v, top) / top) * (cv.bottom - cv.top);
    if (axes.dataset.key !== `${top}:${span}`) {
      axes.dataset.key = `${top}:${span}`;
      axes.replaceChildren();
      for (let k = 0; k <= 4; k++) {
        const t = (k * span) / 4;
        axes.append(el("text", { x: sx(t), y: cv.bottom + 18, "text-anchor": "middle" }, String(t)));
      }
      for (const v of [0, 0.2, 0.4, 0.6, 0.8, 1, 1.5, 2, 3, 5].filter((v) => v <= top)) {
        axes.append(el("line", { x1: cv.left, x2: cv.right, y1: sy(v), y2: sy(v), stroke: C.grid, "stroke-width": 0.5 }));
        axes.append(el("text", { x: cv.left - 6, y: sy(v) + 5, "text-anchor": "end" }, v.toFixed(1)));
      }
    }
    line.setAttribute("points", losses.map((v, t) => `${sx(t).toFixed(1)},${sy(Number.isFinite(v) ? v : top).toFixed(1)}`).join(" "));
  }

  function drawStatus() {
    const s = settings();
    const acc = mlp.accuracy(net, X, y, n, s.activation);
    const last = losses.length ? losses[losses.length - 1] : NaN;
    const arch = ["2", ...Array(s.layers).fill(s.width), "1"].join("–");
    $("mlpg-status").innerHTML = `network ${arch}, ${s.activation}, ${s.solver === "adam" ? "Adam" : "gradient descent"} · `
      + `step <strong id="mlpg-steps">${steps}</strong> · loss <strong id="mlpg-loss-now">${Number.isFinite(last) ? last.toFixed(4) : "–"}</strong> · `
      + `training accuracy <strong id="mlpg-acc">${acc.toFixed(3)}</strong>`
      + (stopped ? ` · <span class="nn-bad">${stopped}</span>` : "");
    root.dataset.steps = String(steps);
    root.dataset.loss = String(last);
    root.dataset.accuracy = String(acc);
    canvas.setAttribute("aria-label", `The 200 two-moons points and the decision boundary of the ${arch} network after ${steps} steps; training accuracy ${acc.toFixed(3)}.`);
    svgCurve.setAttribute("aria-label", `Training loss over ${steps} steps${Number.isFinite(last) ? `, now ${last.toFixed(3)}` : ""}.`);
  }
  const draw = () => { drawBoundary(); drawCurve(); drawStatus(); };

  // One full-batch step on all 200 points: loss and gradients, then the update
  // (the loss is the one before the update, as scikit-learn's loss_curve_ records it).
  function step() {
    const s = settings();
    optimizer.learningRate = s.lr;
    const value = mlp.trainStep(net, optimizer, X, y, n, s.activation, 0);
    losses.push(value);
    steps += 1;
    if (!net.W.every((w) => w.every(Number.isFinite))) {
      stopped = "the weights are no longer finite: the learning rate is far too large";
      setPlaying(false);
    }
  }
  function loop() {
    if (!playing) return;
    step();
    draw();
    frame = requestAnimationFrame(loop);
  }
  function setPlaying(on) {
    playing = on && !stopped;
    $("mlpg-play").textContent = playing ? "Pause" : "Play";
    $("mlpg-play").setAttribute("aria-pressed", String(playing));
    if (playing) frame = requestAnimationFrame(loop);
    else if (frame !== null) cancelAnimationFrame(frame);
  }
  function showRate() {
    $("mlpg-lr-out").value = String(RATES[+$("mlpg-lr").value]);
    $("mlpg-lr").setAttribute("aria-valuetext", `learning rate ${$("mlpg-lr-out").value}`);
  }

  $("mlpg-play").addEventListener("click", () => setPlaying(!playing));
  $("mlpg-step").addEventListener("click", () => { setPlaying(false); if (!stopped) { step(); draw(); } });
  $("mlpg-reset").addEventListener("click", () => { setPlaying(false); reset(); draw(); });
  $("mlpg-lr").addEventListener("input", showRate);
  $("mlpg-solver").addEventListener("change", () => {
    // a sensible default learning rate for each optimiser (0.5 for gradient descent, 0.01 for Adam)
    $("mlpg-lr").value = String(RATES.indexOf($("mlpg-solver").value === "adam" ? 0.01 : 0.5));
    showRate(); reset(); draw();
  });
  for (const id of ["mlpg-layers", "mlpg-width", "mlpg-activation"]) {
    $(id).addEventListener("change", () => { reset(); draw(); });
  }
  // Measure: the time of n training steps, each followed by a full redraw.
  root.benchmark = (count = 100) => {
    const t0 = performance.now();
    for (let k = 0; k < count; k++) { step(); draw(); }
    return (performance.now() - t0) / count;
  };
  showRate(); reset(); draw();
  host.replaceChildren(root);
  host.dataset.mounted = "true";
  return root;
}

// Mount every placeholder on the page once the data has arrived.
const hosts = [...document.querySelectorAll('[data-nn-demo="mlp-playground"]:not([data-mounted])')];
if (hosts.length) {
  fetch(DATA)
    .then((response) => response.json())
    .then((data) => hosts.forEach((host) => mount(host, data)));
}
