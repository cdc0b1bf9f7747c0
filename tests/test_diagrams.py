"""Unit tests of nncourse.diagrams: what the diagrams draw, and what they refuse."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.patches import Circle

from nncourse.diagrams import ACTIVATIONS, draw_computational_graph, draw_mlp, draw_neuron


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(ax):
    return [t.get_text() for t in ax.texts]


def patches(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


# --------------------------------------------------------------- draw_neuron


def test_neuron_draws_inputs_weights_bias_sum_activation_and_output():
    ax = draw_neuron(n_inputs=3)
    assert len(patches(ax, "neuron-input")) == 3
    assert len(patches(ax, "neuron-sum")) == 1
    assert len(patches(ax, "neuron-activation")) == 1
    assert len(patches(ax, "neuron-output")) == 1
    assert len(patches(ax, "neuron-arrow")) == 3 + 1 + 2  # inputs, bias, sum->f->output
    labels = texts(ax)
    for label in ["$x_{1}$", "$x_{3}$", "$w_{1}$", "$w_{3}$", "$b$", "$f$", "$a$", "$z$"]:
        assert label in labels
    for part in ["inputs", "weights", "sum", "activation", "output"]:
        assert part in labels
    assert any(r"\sum_{i=1}^{3}" in t for t in labels)  # the formula under the diagram
    assert not ax.axison


def test_neuron_draws_into_given_axes_and_returns_them():
    fig, ax = plt.subplots()
    assert draw_neuron(ax=ax, n_inputs=2) is ax
    assert len(fig.axes) == 1
    assert len(patches(ax, "neuron-input")) == 2


def test_neuron_with_named_activation_sketches_its_curve():
    ax = draw_neuron(activation="sigmoid", annotate=False, show_formula=False)
    (curve,) = [line for line in ax.lines if line.get_gid() == "neuron-activation-curve"]
    y = curve.get_ydata()
    assert np.all(np.diff(y) > 0)  # the sigmoid rises monotonically
    labels = texts(ax)
    assert r"$\sigma$" in labels
    assert "inputs" not in labels and not any("sum_" in t for t in labels)


def test_neuron_relu_sketch_is_flat_then_rising():
    ax = draw_neuron(activation="relu")
    (curve,) = [line for line in ax.lines if line.get_gid() == "neuron-activation-curve"]
    y = curve.get_ydata()
    half = len(y) // 2
    assert np.ptp(y[:half]) == 0 and y[-1] > y[half]


def test_neuron_accepts_custom_labels():
    ax = draw_neuron(n_inputs=2, input_labels=["$r$", "$s$"], weight_labels=["$u$", "$v$"],
                     bias_label=r"$\beta_0$", output_label=r"$\hat{p}$")
    labels = texts(ax)
    for label in ["$r$", "$s$", "$u$", "$v$", r"$\beta_0$", r"$\hat{p}$"]:
        assert label in labels


def test_every_known_activation_draws():
    for name in ACTIVATIONS:
        draw_neuron(activation=name)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_inputs": 0}, "n_inputs must be between 1 and 8, got 0"),
        ({"n_inputs": 9}, "n_inputs must be between 1 and 8"),
        ({"n_inputs": 2.0}, "n_inputs must be an integer"),
        ({"n_inputs": True}, "n_inputs must be an integer"),
        ({"activation": "softmax"}, "activation must be one of"),
        ({"n_inputs": 3, "input_labels": ["a", "b"]}, "input_labels has 2 entries, expected 3"),
        ({"n_inputs": 2, "weight_labels": "ab"}, "weight_labels must be a list of 2 strings"),
        ({"bias_label": 1}, "bias_label must be a string"),
        ({"annotate": "yes"}, "annotate must be True or False"),
        ({"ax": "axes"}, "ax must be a matplotlib Axes or None, got str"),
    ],
)
def test_neuron_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_neuron(**kwargs)


# --------------------------------------------------------------- draw_mlp


def nodes(ax):
    return [p for p in ax.patches if isinstance(p, Circle) and p.get_gid() == "mlp-node"]


def connections(ax):
    (lines,) = [c for c in ax.collections if isinstance(c, LineCollection) and c.get_gid() == "mlp-connections"]
    return lines.get_segments()


def test_mlp_draws_every_unit_and_every_connection():
    ax = draw_mlp([2, 4, 3, 1])
    assert len(nodes(ax)) == 2 + 4 + 3 + 1
    assert len(connections(ax)) == 2 * 4 + 4 * 3 + 3 * 1  # fully connected
    labels = texts(ax)
    assert "$x_{1}$" in labels and "$x_{2}$" in labels and r"$\hat{y}$" in labels
    assert labels.count("hidden 1\n4 units") == 1
    assert "input\n2 units" in labels and "output\n1 unit" in labels
    assert not any("Omega" in t for t in labels)


def test_mlp_layers_are_columns_left_to_right():
    ax = draw_mlp([3, 2])
    xs = sorted({round(p.center[0], 6) for p in nodes(ax)})
    assert len(xs) == 2 and xs[0] < xs[1]


def test_mlp_matrix_labels_name_each_block_of_weights():
    labels = texts(draw_mlp([2, 8, 4, 1], matrix_labels=True))
    for k in range(3):
        assert rf"$\Omega_{{{k}}},\ \beta_{{{k}}}$" in labels
    shapes = texts(draw_mlp([2, 8, 4, 1], matrix_labels="shapes"))
    assert r"$\Omega_{0}$: 8$\times$2" + "\n" + r"$\beta_{0}$: 8" in shapes
    assert r"$\Omega_{2}$: 1$\times$4" + "\n" + r"$\beta_{2}$: 1" in shapes


def test_mlp_abbreviates_large_layers():
    ax = draw_mlp([784, 100, 10], max_nodes=6)
    # each column: its first 4 units, an ellipsis, its last unit (6 slots, 5 circles)
    assert len(nodes(ax)) == 5 + 5 + 5
    labels = texts(ax)
    assert labels.count(r"$\vdots$") == 3
    ys = sorted((p.center[1] for p in nodes(ax) if p.center[0] == 0), reverse=True)
    step = ys[0] - ys[1]  # between the first two units, at the top
    assert ys[0] - ys[-1] == pytest.approx(5 * step)  # 6 slots: the ellipsis takes one
    assert "$x_{784}$" in labels and r"$\hat{y}_{10}$" in labels
    assert "input\n784 units" in labels
    assert len(connections(ax)) == 5 * 5 * 2


def test_mlp_custom_layer_labels_and_no_node_labels():
    ax = draw_mlp([1, 3, 1], layer_labels=["x", "h", "y"], node_labels=False)
    labels = texts(ax)
    assert ["x", "h", "y"] == [t for t in labels if t in {"x", "h", "y"}]
    assert "$x$" not in labels


def test_mlp_new_figure_takes_the_diagram_proportions():
    wide = draw_mlp([1, 2, 2, 2, 2, 1]).figure.get_size_inches()
    tall = draw_mlp([8, 8]).figure.get_size_inches()
    assert wide[0] / wide[1] > tall[0] / tall[1]
    assert wide[0] <= 10 and tall[1] <= 6.5


def test_mlp_draws_into_given_axes():
    fig, ax = plt.subplots()
    assert draw_mlp([2, 1], ax=ax) is ax
    assert len(fig.axes) == 1


def test_mlp_accepts_numpy_sizes():
    ax = draw_mlp(np.array([2, 3, 1]))
    assert len(nodes(ax)) == 6


@pytest.mark.parametrize(
    ("sizes", "kwargs", "message"),
    [
        ([3], {}, "at least an input and an output layer"),
        ([], {}, "at least an input and an output layer"),
        ("231", {}, "layer_sizes must be a list of integers"),
        (3, {}, "layer_sizes must be a list of integers"),
        ([2, 0, 1], {}, r"layer_sizes\[1\] must be at least 1, got 0"),
        ([2, -3, 1], {}, r"layer_sizes\[1\] must be at least 1"),
        ([2, 2.5, 1], {}, r"layer_sizes\[1\] must be an integer"),
        ([2, 3, 1], {"layer_labels": ["a", "b"]}, "layer_labels has 2 entries, expected 3"),
        ([2, 3, 1], {"max_nodes": 2}, "max_nodes must be at least 3"),
        ([2, 3, 1], {"matrix_labels": "yes"}, "matrix_labels must be True, False or 'shapes'"),
        ([2, 3, 1], {"matrix_labels": 1}, "matrix_labels must be True, False or 'shapes'"),
        ([2, 3, 1], {"node_labels": None}, "node_labels must be True or False"),
        ([2, 3, 1], {"ax": plt}, "ax must be a matplotlib Axes or None"),
    ],
)
def test_mlp_rejects_bad_input(sizes, kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_mlp(sizes, **kwargs)


# --------------------------------------------------- draw_computational_graph
def test_computational_graph_forward_only():
    ax = draw_computational_graph()
    assert len(patches(ax, "graph-value")) == 5           # x, z1, h1, y_hat, L
    assert len(patches(ax, "graph-param")) == 5           # Omega_0, beta_0, Omega_1, beta_1, y
    assert len(patches(ax, "graph-forward")) == 4 + 5     # the chain, and one arrow per parameter
    assert patches(ax, "graph-backward") == []
    assert not any("delta" in t for t in texts(ax))


def test_computational_graph_backward_pass():
    ax = draw_computational_graph(backward=True)
    assert len(patches(ax, "graph-backward")) == 3        # L -> y_hat -> h1 -> z1
    written = " ".join(texts(ax))
    for formula in (r"\boldsymbol{\delta}_2 \mathbf{h}_1^{\top}", r"\boldsymbol{\delta}_1 \mathbf{x}^{\top}",
                    r"\boldsymbol{\Omega}_1^{\top}\boldsymbol{\delta}_2", "f'(\\mathbf{z}_1)"):
        assert formula in written


def test_computational_graph_draws_into_given_axes():
    fig, ax = plt.subplots()
    assert draw_computational_graph(ax) is ax


def test_computational_graph_rejects_bad_arguments():
    with pytest.raises(ValueError, match="backward"):
        draw_computational_graph(backward="yes")
    with pytest.raises(ValueError, match="ax"):
        draw_computational_graph(ax="not axes")
