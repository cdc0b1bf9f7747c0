"""The course's plot style and the figures that several notebooks draw.

Call :func:`use_course_style` once at the top of a notebook. It sets a
colour-blind-safe palette (Okabe & Ito), fonts that stay readable when a
figure is projected on a slide, and a modest PNG resolution so notebooks stay
small on disk.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "OKABE_ITO",
    "use_course_style",
    "plot_digit_grid",
    "plot_decision_boundary",
]

#: Okabe & Ito (2008) colour-blind-safe palette, black moved last.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}

_STYLE = {
    "axes.prop_cycle": mpl.cycler(color=list(OKABE_ITO.values())),
    "figure.figsize": (7.0, 4.2),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    # Sized for the slides: a figure of the default 7 in width, shown on a slide
    # of its own, draws its axis labels larger than the slide's code font
    # (17.6 px); tests/test_rendered_site.py measures it on every slide.
    "font.size": 14,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "legend.fontsize": 13,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "image.cmap": "viridis",
    "lines.linewidth": 2.0,
    # Deterministic SVG ids, should anyone save a figure as SVG.
    "svg.hashsalt": "nncourse",
}


def use_course_style() -> None:
    """Apply the course's matplotlib style (idempotent)."""
    mpl.rcParams.update(_STYLE)


def plot_digit_grid(
    images: np.ndarray,
    labels: Sequence[int] | None = None,
    *,
    predicted: Sequence[int] | None = None,
    confidence: Sequence[float] | None = None,
    ncols: int = 8,
    size: float = 1.1,
):
    """Show MNIST digits in a grid, optionally titled with labels and predictions.

    Parameters
    ----------
    images
        Shape (n, 784) or (n, 28, 28); pixel values in any range.
    labels
        True labels, shown as ``"7"`` (or ``"true 7"`` when predictions are given).
    predicted, confidence
        Predicted labels and the model's probability for them. A wrong
        prediction gets a vermillion title and frame, so it stands out in
        colour and in greyscale (the title says ``✗``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = np.asarray(images)
    if images.ndim == 2:
        if images.shape[1] != 784:
            raise ValueError(f"expected flattened 28x28 images with 784 columns, got shape {images.shape}")
        images = images.reshape(-1, 28, 28)
    elif images.ndim != 3:
        raise ValueError(f"expected images of shape (n, 784) or (n, 28, 28), got {images.shape}")
    n = len(images)
    for name, seq in (("labels", labels), ("predicted", predicted), ("confidence", confidence)):
        if seq is not None and len(seq) != n:
            raise ValueError(f"{name} has {len(seq)} entries for {n} images")
    nrows = max(1, int(np.ceil(n / ncols)))
    has_pred = predicted is not None
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(ncols * size, nrows * size * (1.35 if has_pred else 1.15)),
        squeeze=False, layout="constrained",
    )
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i >= n:
            continue
        ax.imshow(images[i], cmap="gray_r", interpolation="nearest")
        title, color = None, "black"
        if has_pred:
            wrong = labels is not None and predicted[i] != labels[i]
            color = OKABE_ITO["vermillion"] if wrong else "black"
            title = f"pred {predicted[i]}"
            if confidence is not None:
                title += f" ({confidence[i]:.0%})"
            if labels is not None:
                title = f"true {labels[i]}\n{title}" + (" ✗" if wrong else "")
            if wrong:
                ax.set_axis_on()
                ax.set_xticks([])
                ax.set_yticks([])
                for spine in ax.spines.values():
                    spine.set_visible(True)
                    spine.set_color(color)
                    spine.set_linewidth(2.5)
        elif labels is not None:
            title = str(labels[i])
        if title is not None:
            ax.set_title(title, fontsize=9 if has_pred else 11, color=color)
    return fig


def plot_decision_boundary(model, X: np.ndarray, y: np.ndarray, *, ax=None, title: str | None = None,
                           resolution: int = 200, margin: float = 0.5):
    """Shade the regions a fitted 2-D classifier assigns to each class.

    ``model`` needs ``predict_proba`` (binary) or ``predict``; ``X`` has two
    columns. Points are drawn with a different marker per class, so the plot
    reads without colour too.
    """
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary needs 2-D inputs, got X of shape {X.shape}")
    if ax is None:
        _, ax = plt.subplots()
    x0 = np.linspace(X[:, 0].min() - margin, X[:, 0].max() + margin, resolution)
    x1 = np.linspace(X[:, 1].min() - margin, X[:, 1].max() + margin, resolution)
    g0, g1 = np.meshgrid(x0, x1)
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    classes = np.unique(y)
    if hasattr(model, "predict_proba") and len(classes) == 2:
        z = model.predict_proba(grid)[:, 1].reshape(g0.shape)
        ax.contourf(g0, g1, z, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.55)
        ax.contour(g0, g1, z, levels=[0.5], colors="black", linewidths=1.5)
    else:
        z = model.predict(grid).reshape(g0.shape)
        ax.contourf(g0, g1, z, levels=len(classes), cmap="viridis", alpha=0.35)
    colors = [OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["green"], OKABE_ITO["orange"]]
    markers = ["o", "s", "^", "D"]
    for k, c in enumerate(classes):
        pts = X[np.asarray(y) == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=14, color=colors[k % 4], marker=markers[k % 4],
                   edgecolors="white", linewidths=0.4, label=f"class {c}")
    ax.set_xlim(x0[0], x0[-1])
    ax.set_ylim(x1[0], x1[-1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax
