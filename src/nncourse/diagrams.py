"""Diagrams of a neuron and of a multilayer perceptron, drawn with matplotlib.

The lectures draw their diagrams with code, so every figure is made in this
repository, uses the course's notation and palette, and can be redrawn for
any architecture::

    from nncourse.diagrams import draw_mlp, draw_neuron

    draw_neuron(activation="sigmoid")        # a = σ(Σ w_i x_i + b)
    draw_mlp([2, 4, 4, 1], matrix_labels=True)
    draw_computational_graph(backward=True)  # one hidden layer, forward and backward

Both functions draw into ``ax`` (a new figure when ``ax`` is None), return the
axes, and name their artists with a ``gid`` (``"neuron-input"``,
``"mlp-node"``, ...) so that tests and callers can find them.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from nncourse.plotting import OKABE_ITO

__all__ = ["ACTIVATIONS", "draw_computational_graph", "draw_mlp", "draw_neuron"]

#: Activation names the diagrams know: the symbol written on the diagram and
#: the function whose shape is sketched inside the activation box.
ACTIVATIONS = {
    "f": ("$f$", None),
    "sigmoid": (r"$\sigma$", lambda z: 1 / (1 + np.exp(-z))),
    "relu": ("ReLU", lambda z: np.maximum(z, 0.0)),
    "tanh": ("tanh", np.tanh),
    "identity": ("identity", lambda z: z),
}

# Light fills of the Okabe-Ito colours: inputs blue, hidden units orange,
# outputs green; every node also has a black edge, so the layers read in grey too.
_FILL = {"input": "#CCE3F0", "hidden": "#FAECCC", "output": "#CCECE3", "sum": "#FFFFFF"}
_EDGE = "#000000"


def _check_ax(ax, figsize):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    elif not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _check_int(name, value, low, high=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return int(value)


def _check_bool(name, value):
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")


def _check_labels(name, labels, n):
    if labels is None:
        return None
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise ValueError(f"{name} must be a list of {n} strings, got {labels!r}")
    if len(labels) != n:
        raise ValueError(f"{name} has {len(labels)} entries, expected {n}")
    return [str(label) for label in labels]


def _arrow(ax, start, end, gid, **kwargs):
    style = {"arrowstyle": "-|>", "mutation_scale": 14, "linewidth": 1.4, "color": "#333333",
             "shrinkA": 0, "shrinkB": 0}
    style.update(kwargs)
    arrow = FancyArrowPatch(start, end, **style)
    arrow.set_gid(gid)
    ax.add_patch(arrow)
    return arrow


def _edge_point(center, radius, towards):
    """The point on a circle's edge in the direction of ``towards``."""
    center, towards = np.asarray(center, float), np.asarray(towards, float)
    d = towards - center
    return center + radius * d / np.hypot(*d)


def draw_neuron(ax=None, *, n_inputs: int = 3, activation: str = "f",
                input_labels: Sequence[str] | None = None,
                weight_labels: Sequence[str] | None = None,
                bias_label: str = "$b$", output_label: str = "$a$",
                annotate: bool = True, show_formula: bool = True):
    """Draw one artificial neuron: inputs, weights, weighted sum, activation, output.

    Parameters
    ----------
    ax
        Axes to draw into; a new 7 x 4.2 inch figure when None.
    n_inputs
        Number of inputs, 1 to 8. Inputs are named ``x_1`` ... ``x_n`` and
        their weights ``w_1`` ... ``w_n`` unless labels are given.
    activation
        One of :data:`ACTIVATIONS`: ``"f"`` (a generic activation, the default),
        ``"sigmoid"``, ``"relu"``, ``"tanh"`` or ``"identity"``. A named
        activation's shape is sketched inside the activation box.
    input_labels, weight_labels
        One string per input (mathtext allowed, e.g. ``"$x_1$"``).
    bias_label, output_label
        Labels of the bias arrow and the output node.
    annotate
        Name the parts above the diagram: inputs, weights, sum, activation, output.
    show_formula
        Write ``output = f(Σ w_i x_i + b)`` under the diagram.

    Returns
    -------
    matplotlib.axes.Axes
        Patches carry the gids ``"neuron-input"``, ``"neuron-sum"``,
        ``"neuron-activation"``, ``"neuron-output"`` and ``"neuron-arrow"``.
    """
    n = _check_int("n_inputs", n_inputs, 1, 8)
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    inputs = _check_labels("input_labels", input_labels, n) or [f"$x_{{{i + 1}}}$" for i in range(n)]
    weights = _check_labels("weight_labels", weight_labels, n) or [f"$w_{{{i + 1}}}$" for i in range(n)]
    for name, value in (("bias_label", bias_label), ("output_label", output_label)):
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a string, got {value!r}")
    _check_bool("annotate", annotate)
    _check_bool("show_formula", show_formula)
    ax = _check_ax(ax, (7.0, 4.2))

    r_in, r_sum, box, r_out = 0.36, 0.55, 1.2, 0.42
    x_in, x_sum, x_act, x_out = 0.0, 3.4, 5.6, 7.6
    spacing = 1.05
    ys = (np.arange(n)[::-1] - (n - 1) / 2) * spacing
    top = max(ys[0] + r_in, box / 2)
    bottom = min(ys[-1] - r_in, -1.9)

    for y, label in zip(ys, inputs):
        node = Circle((x_in, y), r_in, facecolor=_FILL["input"], edgecolor=_EDGE, linewidth=1.4, zorder=3)
        node.set_gid("neuron-input")
        ax.add_patch(node)
        ax.text(x_in, y, label, ha="center", va="center", fontsize=14, zorder=4)

    summ = Circle((x_sum, 0), r_sum, facecolor=_FILL["sum"], edgecolor=_EDGE, linewidth=1.6, zorder=3)
    summ.set_gid("neuron-sum")
    ax.add_patch(summ)
    ax.text(x_sum, 0, r"$\Sigma$", ha="center", va="center", fontsize=20, zorder=4)

    for y, label in zip(ys, weights):
        start = _edge_point((x_in, y), r_in, (x_sum, 0))
        end = _edge_point((x_sum, 0), r_sum, (x_in, y))
        _arrow(ax, start, end, "neuron-arrow")
        # Weight labels sit at 45 % of the arrow, on a white box so they stay legible.
        at = start + 0.45 * (end - start)
        ax.text(*at, label, ha="center", va="center", fontsize=13, color=OKABE_ITO["vermillion"],
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"}, zorder=5)

    # Bias: an arrow from below into the sum.
    _arrow(ax, (x_sum, -1.75), (x_sum, -r_sum), "neuron-arrow")
    ax.text(x_sum + 0.15, -1.45, bias_label, ha="left", va="center", fontsize=14,
            color=OKABE_ITO["vermillion"])

    symbol, func = ACTIVATIONS[activation]
    act = FancyBboxPatch((x_act - box / 2, -box / 2), box, box, boxstyle="round,pad=0.02,rounding_size=0.15",
                         facecolor=_FILL["hidden"], edgecolor=_EDGE, linewidth=1.6, zorder=3)
    act.set_gid("neuron-activation")
    ax.add_patch(act)
    if func is None:
        ax.text(x_act, 0, symbol, ha="center", va="center", fontsize=20, zorder=4)
    else:
        z = np.linspace(-3, 3, 61)
        a = func(z)
        a = (a - a.min()) / (a.max() - a.min())  # sketch the shape, scaled into the box
        sketch, = ax.plot(x_act + z / 3 * 0.4 * box, (a - 0.5) * 0.6 * box, color=_EDGE, linewidth=2,
                          zorder=4)
        sketch.set_gid("neuron-activation-curve")
        ax.text(x_act, -box / 2 - 0.12, symbol, ha="center", va="top", fontsize=14)

    _arrow(ax, (x_sum + r_sum, 0), (x_act - box / 2, 0), "neuron-arrow")
    ax.text((x_sum + r_sum + x_act - box / 2) / 2, 0.12, "$z$", ha="center", va="bottom", fontsize=14)
    _arrow(ax, (x_act + box / 2, 0), (x_out - r_out, 0), "neuron-arrow")
    out = Circle((x_out, 0), r_out, facecolor=_FILL["output"], edgecolor=_EDGE, linewidth=1.4, zorder=3)
    out.set_gid("neuron-output")
    ax.add_patch(out)
    ax.text(x_out, 0, output_label, ha="center", va="center", fontsize=14, zorder=4)

    if annotate:
        y_note = top + 0.45
        for x, text in ((x_in, "inputs"), ((x_in + x_sum) / 2, "weights"), (x_sum, "sum"),
                        (x_act, "activation"), (x_out, "output")):
            ax.text(x, y_note, text, ha="center", va="bottom", fontsize=12, color="#444444")
        top = y_note + 0.45
    if show_formula:
        name = {"f": "f", "sigmoid": r"\sigma", "relu": r"\mathrm{ReLU}", "tanh": r"\tanh",
                "identity": r"\mathrm{id}"}[activation]
        bottom -= 0.35
        ax.text((x_in + x_out) / 2, bottom,
                rf"${output_label.strip('$')} = {name}\left(\sum_{{i=1}}^{{{n}}} w_i x_i + "
                rf"{bias_label.strip('$')}\right)$",
                ha="center", va="top", fontsize=15)
        bottom -= 0.75

    ax.set_xlim(x_in - r_in - 0.3, x_out + r_out + 0.3)
    ax.set_ylim(bottom - 0.1, top + 0.1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _default_layer_labels(sizes):
    labels = []
    last = len(sizes) - 1
    for k, size in enumerate(sizes):
        units = f"{size} unit" + ("s" if size != 1 else "")
        if k == 0:
            labels.append(f"input\n{units}")
        elif k == last:
            labels.append(f"output\n{units}")
        else:
            labels.append(f"hidden {k}\n{units}")
    return labels


def draw_mlp(layer_sizes: Sequence[int], ax=None, *, layer_labels: Sequence[str] | None = None,
             node_labels: bool = True, matrix_labels: bool | str = False, max_nodes: int = 8):
    """Draw a fully connected (dense) network: one column of units per layer.

    Parameters
    ----------
    layer_sizes
        Units per layer, input first and output last, e.g. ``[2, 4, 4, 1]``;
        at least two layers of at least one unit each.
    ax
        Axes to draw into; a new figure sized to the network when None.
    layer_labels
        One caption per layer, written under it. By default ``"input"``,
        ``"hidden 1"``, ..., ``"output"`` with the number of units.
    node_labels
        Write ``x_i`` in the input units and ``ŷ_j`` in the output units.
    matrix_labels
        ``True``: name each block of connections by its weight matrix and
        bias, ``Ω_k, β_k``, in the notation ``h_{k+1} = f(β_k + Ω_k h_k)``.
        ``"shapes"``: also give their shapes, ``Ω_k: D_{k+1}×D_k`` and
        ``β_k: D_{k+1}``. ``False`` (the default): no labels.
    max_nodes
        A layer with more units is drawn as its first ``max_nodes - 2`` units,
        a vertical ellipsis and its last unit (whose label shows the count).

    Returns
    -------
    matplotlib.axes.Axes
        Units are ``Circle`` patches with gid ``"mlp-node"``, the connections
        one ``LineCollection`` with gid ``"mlp-connections"``.
    """
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, (Sequence, np.ndarray)):
        raise ValueError(f"layer_sizes must be a list of integers, got {layer_sizes!r}")
    if len(layer_sizes) < 2:
        raise ValueError(f"layer_sizes needs at least an input and an output layer, got {list(layer_sizes)}")
    sizes = [_check_int(f"layer_sizes[{k}]", s, 1) for k, s in enumerate(layer_sizes)]
    max_nodes = _check_int("max_nodes", max_nodes, 3)
    _check_bool("node_labels", node_labels)
    if not (isinstance(matrix_labels, bool) or matrix_labels == "shapes"):
        raise ValueError(f"matrix_labels must be True, False or 'shapes', got {matrix_labels!r}")
    labels = _check_labels("layer_labels", layer_labels, len(sizes)) or _default_layer_labels(sizes)
    dx, dy, r = 2.2, 0.9, 0.3
    last = len(sizes) - 1
    columns = []  # per layer: list of (y, unit index) actually drawn, and the ellipsis y if any
    for size in sizes:
        if size <= max_nodes:
            idx = list(range(size))
            slots = list(range(size))
            gap = None
        else:
            idx = list(range(max_nodes - 2)) + [size - 1]
            slots = list(range(max_nodes - 2)) + [max_nodes - 1]
            gap = max_nodes - 2
        n_slots = len(idx) + (gap is not None)
        to_y = lambda s, n_slots=n_slots: ((n_slots - 1) / 2 - s) * dy  # noqa: E731
        columns.append(([(to_y(s), i) for s, i in zip(slots, idx)], None if gap is None else to_y(gap)))

    top = max(nodes[0][0] for nodes, _ in columns) + r
    bottom = min(nodes[-1][0] for nodes, _ in columns) - r
    label_top = top + (0.95 if matrix_labels is True else 1.5 if matrix_labels else 0.15)
    xlim, ylim = (-0.95, last * dx + 0.95), (bottom - 1.2, label_top)
    # A new figure gets the diagram's proportions, at most 10 x 6.5 inches.
    width, height = xlim[1] - xlim[0], ylim[1] - ylim[0]
    scale = min(0.7, 10 / width, 6.5 / height)
    ax = _check_ax(ax, (width * scale, height * scale))

    segments = []
    for k in range(last):
        for y0, _ in columns[k][0]:
            for y1, _ in columns[k + 1][0]:
                segments.append([(k * dx + r, y0), ((k + 1) * dx - r, y1)])
    lines = LineCollection(segments, colors="#555555", linewidths=0.9, alpha=0.7, zorder=1)
    lines.set_gid("mlp-connections")
    ax.add_collection(lines)

    for k, (nodes, gap_y) in enumerate(columns):
        kind = "input" if k == 0 else "output" if k == last else "hidden"
        for y, i in nodes:
            node = Circle((k * dx, y), r, facecolor=_FILL[kind], edgecolor=_EDGE, linewidth=1.3, zorder=3)
            node.set_gid("mlp-node")
            ax.add_patch(node)
            if node_labels and kind != "hidden":
                if kind == "input":
                    text = "$x$" if sizes[k] == 1 else f"$x_{{{i + 1}}}$"
                else:
                    text = r"$\hat{y}$" if sizes[k] == 1 else f"$\\hat{{y}}_{{{i + 1}}}$"
                ax.text(k * dx, y, text, ha="center", va="center", fontsize=13 if i < 9 else 10 if i < 99 else 8, zorder=4)
        if gap_y is not None:
            ax.text(k * dx, gap_y, r"$\vdots$", ha="center", va="center", fontsize=16, zorder=4)

    for k, label in enumerate(labels):
        ax.text(k * dx, bottom - 0.25, label, ha="center", va="top", fontsize=12, linespacing=1.3)
    if matrix_labels:
        for k in range(last):
            if matrix_labels == "shapes":
                text = (rf"$\Omega_{{{k}}}$: {sizes[k + 1]}$\times${sizes[k]}" + "\n"
                        + rf"$\beta_{{{k}}}$: {sizes[k + 1]}")
            else:
                text = rf"$\Omega_{{{k}}},\ \beta_{{{k}}}$"
            ax.text((k + 0.5) * dx, top + 0.2, text, ha="center", va="bottom", fontsize=13,
                    color=OKABE_ITO["vermillion"], linespacing=1.4)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


# ------------------------------------------------------- computational graph
#: Value nodes of the one-hidden-layer graph: (gid suffix, label, x position).
_GRAPH_VALUES = [("x", r"$\mathbf{x}$", 0.0), ("z1", r"$\mathbf{z}_1$", 2.4),
                 ("h1", r"$\mathbf{h}_1$", 4.6), ("yhat", r"$\hat{\mathbf{y}}$", 7.0),
                 ("loss", "$L$", 9.2)]
#: The operation written on each forward edge, between consecutive values.
_GRAPH_OPS = [r"$\boldsymbol{\beta}_0 + \boldsymbol{\Omega}_0\,\cdot$", "$f$",
              r"$\boldsymbol{\beta}_1 + \boldsymbol{\Omega}_1\,\cdot$", r"$\ell(\cdot, \mathbf{y})$"]
#: What flows back along each edge (right to left), with backward=True.
_GRAPH_BACK = [r"$\boldsymbol{\delta}_1 = f'(\mathbf{z}_1) \odot \partial L / \partial \mathbf{h}_1$",
               r"$\partial L / \partial \mathbf{h}_1 = \boldsymbol{\Omega}_1^{\top}\boldsymbol{\delta}_2$",
               r"$\boldsymbol{\delta}_2 = \partial L / \partial \hat{\mathbf{y}}$"]


def draw_computational_graph(ax=None, *, backward: bool = False):
    """Draw the forward pass of a one-hidden-layer network as a computational graph.

    Values are circles, from the input x through the pre-activation
    ``z_1 = β_0 + Ω_0 x``, the hidden activation ``h_1 = f(z_1)`` and the
    output ``ŷ = β_1 + Ω_1 h_1`` to the loss ``L = ℓ(ŷ, y)``; each arrow is
    labelled with the operation it performs. The parameters Ω_k, β_k and the
    target y are squares that feed the operation which uses them.

    With ``backward=True`` the backward pass is drawn under the graph:
    vermillion dashed arrows from right to left carrying ``δ_2 = ∂L/∂ŷ``,
    ``∂L/∂h_1 = Ω_1ᵀ δ_2`` and ``δ_1 = f'(z_1) ⊙ ∂L/∂h_1``, and, next to each
    parameter, its gradient ``∂L/∂Ω_k = δ_{k+1} h_kᵀ`` (with ``h_0 = x``) and
    ``∂L/∂β_k = δ_{k+1}``.

    Returns the axes. Value nodes are ``Circle`` patches with gid
    ``"graph-value"``, parameters and target ``FancyBboxPatch`` es with gid
    ``"graph-param"``, forward arrows gid ``"graph-forward"``, backward arrows
    gid ``"graph-backward"``.
    """
    _check_bool("backward", backward)
    r = 0.42
    ylim = (-1.75, 2.5)  # the same frame with and without the backward pass
    ax = _check_ax(ax, (9.5, 4.4))
    xs = [x for _, _, x in _GRAPH_VALUES]
    for gid, label, x in _GRAPH_VALUES:
        kind = "input" if gid == "x" else "output" if gid == "loss" else "hidden"
        node = Circle((x, 0), r, facecolor=_FILL[kind], edgecolor=_EDGE, linewidth=1.3, zorder=3)
        node.set_gid("graph-value")
        ax.add_patch(node)
        ax.text(x, 0, label, ha="center", va="center", fontsize=16, zorder=4)
    for k, op in enumerate(_GRAPH_OPS):
        _arrow(ax, (xs[k] + r, 0), (xs[k + 1] - r, 0), "graph-forward")
        ax.text((xs[k] + xs[k + 1]) / 2, 0.12, op, ha="center", va="bottom", fontsize=13)
    # Parameters (and the target) sit above the edge of the operation that reads them.
    params = [(0, r"$\boldsymbol{\Omega}_0$", -0.45), (0, r"$\boldsymbol{\beta}_0$", 0.45),
              (2, r"$\boldsymbol{\Omega}_1$", -0.45), (2, r"$\boldsymbol{\beta}_1$", 0.45),
              (3, r"$\mathbf{y}$", 0.0)]
    for k, label, dx in params:
        cx, cy = (xs[k] + xs[k + 1]) / 2 + dx, 1.25
        box = FancyBboxPatch((cx - 0.27, cy - 0.24), 0.54, 0.48, boxstyle="round,pad=0.02",
                             facecolor="#EEEEEE", edgecolor=_EDGE, linewidth=1.1, zorder=3)
        box.set_gid("graph-param")
        ax.add_patch(box)
        ax.text(cx, cy, label, ha="center", va="center", fontsize=14, zorder=4)
        _arrow(ax, (cx, cy - 0.26), ((xs[k] + xs[k + 1]) / 2 + dx * 0.35, 0.55), "graph-forward",
               mutation_scale=10, linewidth=1.0, color="#777777")
    if backward:
        color = OKABE_ITO["vermillion"]
        back_edges = [(1, 2), (2, 3), (3, 4)]  # z1 <- h1 <- yhat <- L
        for (a, b), label in zip(back_edges, _GRAPH_BACK):
            _arrow(ax, (xs[b] - 0.1, -r - 0.05), (xs[a] + 0.1, -r - 0.05), "graph-backward",
                   color=color, linestyle="--", connectionstyle="arc3,rad=-0.45")
            ax.text((xs[a] + xs[b]) / 2, -1.2, label, ha="center", va="top", fontsize=12, color=color)
        grads = [(0, r"$\partial L / \partial \boldsymbol{\Omega}_0 = \boldsymbol{\delta}_1 \mathbf{x}^{\top}$",
                  r"$\partial L / \partial \boldsymbol{\beta}_0 = \boldsymbol{\delta}_1$"),
                 (2, r"$\partial L / \partial \boldsymbol{\Omega}_1 = \boldsymbol{\delta}_2 \mathbf{h}_1^{\top}$",
                  r"$\partial L / \partial \boldsymbol{\beta}_1 = \boldsymbol{\delta}_2$")]
        for k, grad_omega, grad_beta in grads:
            cx = (xs[k] + xs[k + 1]) / 2
            ax.text(cx, 2.05, grad_omega, ha="center", va="bottom", fontsize=12, color=color)
            ax.text(cx, 1.6, grad_beta, ha="center", va="bottom", fontsize=12, color=color)
    ax.set_xlim(-0.6, xs[-1] + 0.6)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax
