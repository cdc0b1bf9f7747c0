// mlp.js: the course's multilayer perceptron, in the reader's browser.
//
// A dense network with one output unit (binary classification), written the
// way scikit-learn's MLPClassifier computes it and the way the course's NumPy
// version (src/nncourse/scratch.py) writes it, formula for formula:
//
//   forward      Z_l = A_{l-1} W_l + b_l,  A_l = g(Z_l); the output unit is logistic
//   loss         binary cross-entropy, probabilities clipped to [eps, 1 - eps],
//                + alpha / 2 * sum ||W_l||^2 / n  (scikit-learn's L2 term)
//   backprop     Delta_L = Y_hat - Y; dW_l = (A_{l-1}^T Delta_l + alpha W_l) / n;
//                db_l = sum of Delta_l's rows / n; Delta_{l-1} = (Delta_l W_l^T) * g'(A_{l-1})
//   updates      SGDOptimizer (momentum, Nesterov) and AdamOptimizer of
//                sklearn/neural_network/_stochastic_optimizers.py
//
// plus gradient descent (with heavy-ball or Nesterov momentum) on the two-weight
// quadratic loss of lecture 04.
//
// Pure functions on Float64Arrays: no DOM, no randomness, no dependencies, so
// the same file runs in the browser (Quarto OJS cells import it) and in Node
// (tests/test_playground.py drives it and compares every loss with NumPy's).
//
// Conventions as in scikit-learn: samples are rows; a layer's weight matrix W
// has shape (fanIn, fanOut) and is stored row-major, W[i * fanOut + j] being
// the weight from unit i of the layer below to unit j.

// --------------------------------------------------------------- activations
export const HIDDEN_ACTIVATIONS = ["relu", "tanh", "logistic"];

// Math.exp(-z) overflows to Infinity for z < -709; 1 / (1 + Infinity) = 0 is the exact limit.
const logistic = (z) => 1 / (1 + Math.exp(-z));

const ACTIVATIONS = {
  relu: (z) => (z > 0 ? z : 0), // max(z, 0)
  tanh: Math.tanh,
  logistic,
};

// g'(z) written with the layer's output a = g(z), as scikit-learn's
// inplace_*_derivative: relu 1 where a > 0 (0 at z = 0), tanh 1 - a^2,
// logistic a (1 - a).
const DERIVATIVES = {
  relu: (a) => (a > 0 ? 1 : 0),
  tanh: (a) => 1 - a * a,
  logistic: (a) => a * (1 - a),
};

function checkActivation(name) {
  if (!HIDDEN_ACTIVATIONS.includes(name)) {
    throw new Error(`unknown activation ${name}; choose one of ${HIDDEN_ACTIVATIONS.join(", ")}`);
  }
}

// --------------------------------------------------------------- the network
/**
 * A network from scikit-learn-shaped parameters.
 * coefs[l] is a nested array of shape (fanIn, fanOut) (scikit-learn's
 * coefs_[l]), intercepts[l] an array of length fanOut (intercepts_[l]).
 * Returns {sizes, W: [Float64Array], b: [Float64Array]}; the inputs are copied.
 */
export function makeNetwork(coefs, intercepts) {
  if (coefs.length === 0 || coefs.length !== intercepts.length) {
    throw new Error("need one bias vector per weight matrix and at least one layer");
  }
  const sizes = [coefs[0].length, ...coefs.map((W) => W[0].length)];
  const W = coefs.map((rows, l) => {
    if (rows.length !== sizes[l]) throw new Error(`W${l + 1} has ${rows.length} rows, expected ${sizes[l]}`);
    return Float64Array.from(rows.flat());
  });
  const b = intercepts.map((v, l) => {
    if (v.length !== sizes[l + 1]) throw new Error(`b${l + 1} has length ${v.length}, expected ${sizes[l + 1]}`);
    return Float64Array.from(v);
  });
  return { sizes, W, b };
}

/** A deep copy of a network (the optimisers update networks in place). */
export function cloneNetwork(net) {
  return { sizes: [...net.sizes], W: net.W.map((w) => w.slice()), b: net.b.map((v) => v.slice()) };
}

/** The parameters back as nested arrays, scikit-learn's coefs_ and intercepts_. */
export function networkToArrays(net) {
  const coefs = net.W.map((w, l) => {
    const [fanIn, fanOut] = [net.sizes[l], net.sizes[l + 1]];
    return Array.from({ length: fanIn }, (_, i) => Array.from(w.subarray(i * fanOut, (i + 1) * fanOut)));
  });
  return { coefs, intercepts: net.b.map((v) => Array.from(v)) };
}

/** Rows of points (an array of [x1, x2, ...]) as one row-major Float64Array. */
export function toMatrix(rows) {
  return Float64Array.from(rows.flat());
}

// --------------------------------------------------------------- forward pass
/**
 * The forward pass: the outputs [A0 = X, A1, ..., AL = Y_hat] of every layer,
 * each a row-major Float64Array of n rows. For each layer Z = A_prev W + b,
 * then A = g(Z): the hidden `activation` on hidden layers, logistic on the
 * single output unit (scikit-learn's out_activation_ for two classes).
 */
export function forward(net, X, n, activation) {
  checkActivation(activation);
  const g = ACTIVATIONS[activation];
  const L = net.W.length;
  const outputs = [X];
  for (let l = 0; l < L; l++) {
    const [fanIn, fanOut] = [net.sizes[l], net.sizes[l + 1]];
    const A = outputs[l], W = net.W[l], b = net.b[l];
    const Z = new Float64Array(n * fanOut);
    const act = l === L - 1 ? logistic : g;
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < fanOut; j++) {
        let z = 0; // Z[r, j] = sum_i A[r, i] W[i, j] + b[j]
        for (let i = 0; i < fanIn; i++) z += A[r * fanIn + i] * W[i * fanOut + j];
        Z[r * fanOut + j] = act(z + b[j]);
      }
    }
    outputs.push(Z);
  }
  return outputs;
}

/** P(class 1) for each of the n rows of X. */
export function predictProba(net, X, n, activation) {
  const out = forward(net, X, n, activation);
  return out[out.length - 1];
}

// --------------------------------------------------------------- the loss
const EPS = Number.EPSILON; // 2.22e-16, np.finfo(float64).eps, scikit-learn's clipping bound

/**
 * Binary cross-entropy, -mean(y log p + (1 - y) log(1 - p)) with p clipped
 * to [eps, 1 - eps] as in scikit-learn's binary_log_loss, plus its L2 term
 * alpha / 2 * sum_l ||W_l||^2 / n (weights only, no biases).
 */
export function loss(net, yHat, y, n, alpha = 0) {
  let s = 0;
  for (let r = 0; r < n; r++) {
    const p = Math.min(Math.max(yHat[r], EPS), 1 - EPS);
    s += y[r] * Math.log(p) + (1 - y[r]) * Math.log(1 - p);
  }
  let data = -s / n;
  if (alpha > 0) {
    let sq = 0;
    for (const W of net.W) for (let k = 0; k < W.length; k++) sq += W[k] * W[k];
    data += (0.5 * alpha * sq) / n;
  }
  return data;
}

// --------------------------------------------------------------- backpropagation
/**
 * Loss and gradients on the whole batch (X: n rows, y: n labels 0/1),
 * what scikit-learn's _backprop returns: {loss, gW: [..], gb: [..]}.
 * With Delta_l = n * dLoss/dZ_l (one row of errors per sample):
 *   output layer   Delta_L = Y_hat - Y (logistic + cross-entropy)
 *   every layer    dW_l = (A_{l-1}^T Delta_l + alpha W_l) / n,  db_l = sum_rows(Delta_l) / n
 *   one layer down Delta_{l-1} = (Delta_l W_l^T) * g'(A_{l-1})
 */
export function lossAndGradients(net, X, y, n, activation, alpha = 0) {
  const outputs = forward(net, X, n, activation);
  const L = net.W.length;
  const value = loss(net, outputs[L], y, n, alpha);
  const dg = DERIVATIVES[activation];
  const gW = new Array(L), gb = new Array(L);
  let Delta = new Float64Array(n); // output layer: one unit
  for (let r = 0; r < n; r++) Delta[r] = outputs[L][r] - y[r];
  for (let l = L - 1; l >= 0; l--) {
    const [fanIn, fanOut] = [net.sizes[l], net.sizes[l + 1]];
    const A = outputs[l], W = net.W[l];
    const dW = new Float64Array(fanIn * fanOut), db = new Float64Array(fanOut);
    for (let i = 0; i < fanIn; i++) {
      for (let j = 0; j < fanOut; j++) {
        let s = 0; // (A^T Delta)[i, j]
        for (let r = 0; r < n; r++) s += A[r * fanIn + i] * Delta[r * fanOut + j];
        dW[i * fanOut + j] = (s + alpha * W[i * fanOut + j]) / n;
      }
    }
    for (let j = 0; j < fanOut; j++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += Delta[r * fanOut + j];
      db[j] = s / n;
    }
    gW[l] = dW;
    gb[l] = db;
    if (l > 0) { // chain rule: back through W_l, then through g of the layer below
      const next = new Float64Array(n * fanIn);
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < fanIn; i++) {
          let s = 0; // (Delta W^T)[r, i]
          for (let j = 0; j < fanOut; j++) s += Delta[r * fanOut + j] * W[i * fanOut + j];
          next[r * fanIn + i] = s * dg(A[r * fanIn + i]);
        }
      }
      Delta = next;
    }
  }
  return { loss: value, gW, gb };
}

// --------------------------------------------------------------- optimisers
// Both optimisers hold one state array per parameter, in scikit-learn's order:
// all weight matrices, then all bias vectors (coefs_ + intercepts_).
const parameters = (net) => [...net.W, ...net.b];

/**
 * scikit-learn's SGDOptimizer with a constant learning rate. For each
 * parameter theta with gradient g and velocity v (initially 0):
 *   v <- momentum * v - lr * g
 *   theta <- theta + momentum * v - lr * g   (nesterov, scikit-learn's default)
 *   theta <- theta + v                       (nesterov = false)
 * With momentum = 0 both are plain gradient descent, theta <- theta - lr * g.
 */
export function sgd(net, { learningRate, momentum = 0, nesterov = true }) {
  return {
    kind: "sgd", learningRate, momentum, nesterov,
    velocities: parameters(net).map((p) => new Float64Array(p.length)),
  };
}

/**
 * scikit-learn's AdamOptimizer. With step counter t (incremented first) and
 * moments m, v (initially 0):
 *   m <- beta1 m + (1 - beta1) g
 *   v <- beta2 v + (1 - beta2) g^2
 *   lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)   (both bias corrections in the rate)
 *   theta <- theta - lr_t * m / (sqrt(v) + epsilon)
 */
export function adam(net, { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 }) {
  const zeros = () => parameters(net).map((p) => new Float64Array(p.length));
  return { kind: "adam", learningRate, beta1, beta2, epsilon, t: 0, ms: zeros(), vs: zeros() };
}

/** One update of every parameter of `net` in place, from gradients {gW, gb}. */
export function applyUpdate(net, optimizer, grads) {
  const params = parameters(net), g = [...grads.gW, ...grads.gb];
  if (optimizer.kind === "sgd") {
    const { learningRate: lr, momentum: mu, nesterov } = optimizer;
    params.forEach((theta, p) => {
      const v = optimizer.velocities[p], gp = g[p];
      for (let k = 0; k < theta.length; k++) {
        v[k] = mu * v[k] - lr * gp[k];
        theta[k] += nesterov ? mu * v[k] - lr * gp[k] : v[k];
      }
    });
  } else if (optimizer.kind === "adam") {
    optimizer.t += 1;
    const { beta1: b1, beta2: b2, epsilon, t } = optimizer;
    const lrT = (optimizer.learningRate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    params.forEach((theta, p) => {
      const m = optimizer.ms[p], v = optimizer.vs[p], gp = g[p];
      for (let k = 0; k < theta.length; k++) {
        m[k] = b1 * m[k] + (1 - b1) * gp[k];
        v[k] = b2 * v[k] + (1 - b2) * gp[k] * gp[k];
        theta[k] -= (lrT * m[k]) / (Math.sqrt(v[k]) + epsilon);
      }
    });
  } else {
    throw new Error(`unknown optimiser ${optimizer.kind}`);
  }
}

/**
 * One full-batch training step: loss and gradients at the current weights,
 * then the update. Returns the loss measured *before* the update, as
 * scikit-learn records it in loss_curve_.
 */
export function trainStep(net, optimizer, X, y, n, activation, alpha = 0) {
  const grads = lossAndGradients(net, X, y, n, activation, alpha);
  applyUpdate(net, optimizer, grads);
  return grads.loss;
}

/** Share of the n points whose predicted class (p > 0.5 means class 1) is y. */
export function accuracy(net, X, y, n, activation) {
  const p = predictProba(net, X, n, activation);
  let right = 0;
  for (let r = 0; r < n; r++) right += (p[r] > 0.5 ? 1 : 0) === y[r] ? 1 : 0;
  return right / n;
}

// --------------------------------------------------------------- the quadratic landscape
// Lecture 04's location model: L(w) = mean((X w - y)^2) for two weights. Expanding
// the square, L(w) = w^T A w - 2 c^T w + d with the moments A = X^T X / n,
// c = X^T y / n and d = y^T y / n, so the 20,640 houses reduce to six numbers,
// and grad L(w) = 2 (A w - c) (the Hessian is H = 2 A).

/** L(w) on the landscape {A: [[a11, a12], [a21, a22]], c: [c1, c2], d}. */
export function quadLoss(land, w) {
  const [[a11, a12], [a21, a22]] = land.A, [c1, c2] = land.c;
  const Aw1 = a11 * w[0] + a12 * w[1], Aw2 = a21 * w[0] + a22 * w[1];
  return w[0] * Aw1 + w[1] * Aw2 - 2 * (c1 * w[0] + c2 * w[1]) + land.d;
}

/** grad L(w) = 2 (A w - c). */
export function quadGradient(land, w) {
  const [[a11, a12], [a21, a22]] = land.A, [c1, c2] = land.c;
  return [2 * (a11 * w[0] + a12 * w[1] - c1), 2 * (a21 * w[0] + a22 * w[1] - c2)];
}

/**
 * Gradient descent on the landscape from w0, with optional momentum, updated as
 * scikit-learn's SGDOptimizer updates (and nncourse.optim.momentum_step):
 *   v <- momentum * v - eta * grad L(w)
 *   w <- w + v                              (heavy ball, nesterov = false)
 *   w <- w + momentum * v - eta * grad L(w) (Nesterov in scikit-learn's form, nesterov = true)
 * (momentum = 0: w <- w - eta * grad L(w), the update of lecture 04, either way).
 * Divergence is judged as nncourse.optim.gradient_descent judges it: the run
 * stops when w, the gradient or the loss stop being finite, or when the loss
 * exceeds divergenceFactor times its starting value; the diverging point is
 * not kept. Returns {path, losses, status: "diverged" | "ran", divergedAt}.
 */
export function quadDescent(land, w0, { eta, momentum = 0, nesterov = false, steps, divergenceFactor = 1e3 }) {
  let w = [w0[0], w0[1]], v = [0, 0];
  const start = quadLoss(land, w);
  const limit = start > 0 ? divergenceFactor * start : Infinity;
  const path = [w], losses = [start];
  for (let t = 1; t <= steps; t++) {
    const g = quadGradient(land, w);
    v = [momentum * v[0] - eta * g[0], momentum * v[1] - eta * g[1]];
    const step = nesterov ? [momentum * v[0] - eta * g[0], momentum * v[1] - eta * g[1]] : v;
    const next = [w[0] + step[0], w[1] + step[1]];
    const value = quadLoss(land, next);
    if (!next.every(Number.isFinite) || !Number.isFinite(value) || value > limit) {
      return { path, losses, status: "diverged", divergedAt: t };
    }
    w = next;
    path.push(w);
    losses.push(value);
  }
  return { path, losses, status: "ran", divergedAt: null };
}

/** Eigenvalues (ascending) of the symmetric 2x2 Hessian H = 2 A, and the ceiling 2 / lambda_max. */
export function quadCurvature(land) {
  const [[a11, a12], [, a22]] = land.A;
  const mean = a11 + a22, diff = a11 - a22; // eigenvalues of 2A: (tr 2A)/2 +- sqrt(...)
  const root = Math.sqrt(diff * diff + 4 * a12 * a12);
  const eig = [mean - root, mean + root];
  return { eigenvalues: eig, ceiling: 2 / eig[1] };
}

/**
 * How fast the error w - w* shrinks (< 1) or grows (> 1) per step, in the long run:
 * the spectral radius of the update. Along an eigenvector of H with eigenvalue
 * lambda, with a = eta lambda, the error e_t obeys e_{t+1} = T e_t - D e_{t-1}, and its
 * growth factors are the roots r of r^2 - T r + D = 0:
 *   heavy ball   T = 1 + momentum - a,           D = momentum
 *   Nesterov     T = (1 + momentum) (1 - a),     D = momentum (1 - a)
 * Without momentum both are |1 - eta lambda|, below 1 for every lambda exactly when
 * eta < 2 / lambda_max (lecture 04); with momentum see quadCeiling.
 */
export function quadRate(land, eta, momentum = 0, nesterov = false) {
  let rate = 0;
  for (const lambda of quadCurvature(land).eigenvalues) {
    const a = eta * lambda;
    const T = nesterov ? (1 + momentum) * (1 - a) : 1 + momentum - a;
    const D = nesterov ? momentum * (1 - a) : momentum;
    const disc = T * T - 4 * D;
    // real roots: the larger |root|; complex pair: both of modulus sqrt(D) (D > 0 then)
    const r = disc >= 0 ? (Math.abs(T) + Math.sqrt(disc)) / 2 : Math.sqrt(D);
    rate = Math.max(rate, r);
  }
  return rate;
}

/**
 * The largest learning rate at which the run still converges, from the conditions
 * |D| < 1, 1 - T + D > 0, 1 + T + D > 0 on the roots of r^2 - T r + D (see quadRate),
 * for 0 <= momentum < 1:
 *   heavy ball   eta < 2 (1 + momentum) / lambda_max                  (lifted by momentum)
 *   Nesterov     eta < 2 (1 + momentum) / ((1 + 2 momentum) lambda_max) (lowered by momentum)
 * Both are 2 / lambda_max at momentum = 0.
 */
export function quadCeiling(land, momentum = 0, nesterov = false) {
  const lambdaMax = quadCurvature(land).eigenvalues[1];
  return (2 * (1 + momentum)) / ((nesterov ? 1 + 2 * momentum : 1) * lambdaMax);
}
