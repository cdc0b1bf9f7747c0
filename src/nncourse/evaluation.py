"""Evaluating fitted models: regression metrics, training curves, mistakes.

The practice lectures train scikit-learn MLPs and then ask the same questions
of every model, so the answers are computed here once::

    from nncourse.evaluation import regression_metrics, plot_training_curves

* :func:`regression_metrics` — RMSE, MAE and R² of a regressor, as one table row;
* :func:`plot_training_curves` — a fitted MLP's training loss per epoch and,
  when it was trained with early stopping, its validation score beside it,
  with the best epoch and the stopping epoch marked;
* :func:`most_confused_pairs` and :func:`confident_mistakes` — where a
  classifier goes wrong, and the mistakes it is most sure of;
* :func:`results_table` — models side by side as a Markdown table, which
  Jupyter and Quarto both render and which prints the same on every run once
  durations are masked (a DataFrame's padded text would not).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Integral

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from nncourse.plotting import OKABE_ITO

__all__ = [
    "regression_metrics",
    "plot_training_curves",
    "most_confused_pairs",
    "confident_mistakes",
    "results_table",
    "MarkdownTable",
]


def _as_1d(name: str, values) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    return array


def _same_length(**arrays: np.ndarray) -> None:
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"inputs differ in length: {described} entries")


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


# ---------------------------------------------------------------- regression
def regression_metrics(y_true: Sequence[float], y_pred: Sequence[float]) -> dict[str, float]:
    r"""RMSE, MAE and R² of predictions, as a row for a results table.

    .. math::

        \mathrm{RMSE} = \sqrt{\tfrac1n \sum_i (y_i - \hat y_i)^2}, \quad
        \mathrm{MAE} = \tfrac1n \sum_i |y_i - \hat y_i|, \quad
        R^2 = 1 - \frac{\sum_i (y_i - \hat y_i)^2}{\sum_i (y_i - \bar y)^2}

    RMSE and MAE are in the unit of the target; R² is 1 for perfect
    predictions and 0 for always predicting the mean of ``y_true``.

    Returns
    -------
    dict
        ``{"RMSE": ..., "MAE": ..., "R²": ...}`` as Python floats, so
        ``pandas.DataFrame([row_a, row_b])`` makes a comparison table.

    Raises
    ------
    ValueError
        If the inputs are not one-dimensional, are empty, differ in length,
        hold NaN or infinity, or if ``y_true`` is constant (R² is undefined).
    """
    y_true = _as_1d("y_true", y_true).astype(float)
    y_pred = _as_1d("y_pred", y_pred).astype(float)
    _same_length(y_true=y_true, y_pred=y_pred)
    for name, array in (("y_true", y_true), ("y_pred", y_pred)):
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} holds NaN or infinite values")
    residual = y_true - y_pred
    total = np.sum((y_true - y_true.mean()) ** 2)
    if total == 0:
        raise ValueError("y_true is constant, so R² (which divides by its variance) is undefined")
    return {
        "RMSE": float(np.sqrt(np.mean(residual**2))),
        "MAE": float(np.mean(np.abs(residual))),
        "R²": float(1 - np.sum(residual**2) / total),
    }


# ------------------------------------------------------------ training curves
def _default_score_name(model) -> str:
    from sklearn.base import ClassifierMixin, RegressorMixin

    if isinstance(model, ClassifierMixin):
        return "accuracy"
    if isinstance(model, RegressorMixin):
        return "R²"
    return "score"


def plot_training_curves(model, *, score_name: str | None = None, log_loss: bool = False):
    """Plot a fitted MLP's training loss per epoch, and its validation score beside it.

    Parameters
    ----------
    model
        A fitted :class:`~sklearn.neural_network.MLPClassifier` or
        :class:`~sklearn.neural_network.MLPRegressor` trained with
        ``solver='adam'`` or ``'sgd'`` (anything with a ``loss_curve_``).
        If it was trained with ``early_stopping=True`` (its
        ``validation_scores_`` is a list), a second panel shows the score on
        the held-out validation fraction, with the best epoch (whose weights
        the model keeps) and the epoch where training stopped marked in both
        panels.
    score_name
        What the validation score is, for the axis label. Default:
        ``"accuracy"`` for a classifier, ``"R²"`` for a regressor.
    log_loss
        Draw the loss on a logarithmic axis (useful when it falls by orders
        of magnitude, as on MNIST).

    Returns
    -------
    matplotlib.figure.Figure
        One panel (loss) or two side by side (loss, validation score).

    Raises
    ------
    ValueError
        If the model has no (or an empty) ``loss_curve_``, or if its
        ``validation_scores_`` and ``loss_curve_`` differ in length.
    """
    loss = getattr(model, "loss_curve_", None)
    if loss is None:
        raise ValueError(
            f"{type(model).__name__} has no loss_curve_: pass an MLP fitted with "
            "solver='adam' or 'sgd'"
        )
    loss = _as_1d("loss_curve_", loss).astype(float)
    scores = getattr(model, "validation_scores_", None)
    if scores is not None:
        scores = _as_1d("validation_scores_", scores).astype(float)
        _same_length(loss_curve_=loss, validation_scores_=scores)
    if score_name is None:
        score_name = _default_score_name(model)

    epochs = np.arange(1, len(loss) + 1)
    ncols = 1 if scores is None else 2
    fig, axes = plt.subplots(1, ncols, figsize=(5.0 * ncols + 1.0, 4.0), squeeze=False)
    ax_loss = axes[0, 0]
    ax_loss.plot(epochs, loss, color=OKABE_ITO["blue"], marker="o", markersize=3)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("training loss")
    ax_loss.xaxis.set_major_locator(MaxNLocator(integer=True))
    if log_loss:
        ax_loss.set_yscale("log")
    if scores is None:
        return fig

    ax_val = axes[0, 1]
    best = int(np.argmax(scores)) + 1
    stop = len(scores)
    ax_val.plot(epochs, scores, color=OKABE_ITO["green"], marker="o", markersize=3)
    ax_val.plot([best], [scores[best - 1]], marker="*", markersize=16, color=OKABE_ITO["vermillion"],
                markeredgecolor="black", linestyle="none", zorder=3)
    ax_val.set_xlabel("epoch")
    ax_val.set_ylabel(f"validation {score_name}")
    ax_val.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_loss.set_title("training loss (lower is better)")
    ax_val.set_title(f"validation {score_name} (higher is better)")
    for ax in (ax_loss, ax_val):
        ax.axvspan(best, stop, color=OKABE_ITO["sky"], alpha=0.15, linewidth=0)
        ax.axvline(best, color=OKABE_ITO["vermillion"], linestyle=":", linewidth=1.5,
                   label=f"best validation score (epoch {best})")
        ax.axvline(stop, color="black", linestyle="--", linewidth=1.5, label=f"stopped (epoch {stop})")
    ax_val.legend(loc="lower right")
    return fig


# ----------------------------------------------------------- classification
def most_confused_pairs(y_true: Sequence, y_pred: Sequence, *, top: int | None = None,
                        min_count: int = 1) -> list[tuple]:
    """The (true, predicted) label pairs a classifier gets wrong most often.

    Parameters
    ----------
    y_true, y_pred
        True and predicted labels.
    top
        Return at most this many pairs (default: all that qualify).
    min_count
        Only pairs with at least this many mistakes. Cutting by count rather
        than by ``top`` alone avoids dropping some of several tied pairs.

    Returns
    -------
    list of (true, predicted, count)
        Pairs with ``true != predicted``, the most frequent first; ties are
        ordered by the labels, so the result is reproducible. Empty if there
        is no mistake (or none as frequent as ``min_count``).

    Raises
    ------
    ValueError
        If the inputs are not one-dimensional, are empty or differ in length,
        or if ``top`` or ``min_count`` is not a positive integer.
    """
    y_true = _as_1d("y_true", y_true)
    y_pred = _as_1d("y_pred", y_pred)
    _same_length(y_true=y_true, y_pred=y_pred)
    if top is not None:
        top = _positive_int("top", top)
    min_count = _positive_int("min_count", min_count)
    wrong = y_true != y_pred
    if not wrong.any():
        return []
    pairs, counts = np.unique(np.column_stack([y_true[wrong], y_pred[wrong]]), axis=0, return_counts=True)
    # np.unique sorts the pairs; a stable sort on -count keeps that order among ties.
    order = [i for i in np.argsort(-counts, kind="stable") if counts[i] >= min_count][:top]
    return [(pairs[i, 0].item(), pairs[i, 1].item(), int(counts[i])) for i in order]


def confident_mistakes(y_true: Sequence, y_pred: Sequence, confidence: Sequence[float], *,
                       n: int | None = None) -> np.ndarray:
    """Indices of the wrong predictions, the most confident first.

    Parameters
    ----------
    y_true, y_pred
        True and predicted labels.
    confidence
        The probability the model gave its prediction, e.g.
        ``model.predict_proba(X).max(axis=1)``; values in [0, 1].
    n
        Return at most this many indices (default: all mistakes).

    Returns
    -------
    ndarray of int
        Positions ``i`` with ``y_true[i] != y_pred[i]``, by decreasing
        ``confidence[i]`` (ties by position).

    Raises
    ------
    ValueError
        If the inputs are not one-dimensional, are empty or differ in length,
        if a confidence is outside [0, 1] or NaN, or if ``n`` is not a
        positive integer.
    """
    y_true = _as_1d("y_true", y_true)
    y_pred = _as_1d("y_pred", y_pred)
    confidence = _as_1d("confidence", confidence).astype(float)
    _same_length(y_true=y_true, y_pred=y_pred, confidence=confidence)
    if not np.all((confidence >= 0) & (confidence <= 1)):
        raise ValueError("confidence must hold probabilities in [0, 1] (found values outside it or NaN)")
    if n is not None:
        n = _positive_int("n", n)
    wrong = np.flatnonzero(y_true != y_pred)
    order = wrong[np.argsort(-confidence[wrong], kind="stable")]
    return order if n is None else order[:n]


# -------------------------------------------------------------------- tables
class MarkdownTable:
    """A table that displays as Markdown in Jupyter and Quarto (see :func:`results_table`).

    ``str(table)`` and ``repr(table)`` give the Markdown text itself, so the
    plain-text output a test compares holds the numbers, not an object id.
    """

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


def _cell(value, floatfmt: str, intfmt: str = "") -> str:
    if isinstance(value, (float, np.floating)):
        text = format(float(value), floatfmt)
    elif isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        text = format(int(value), intfmt)
    else:
        text = str(value)
    if "\n" in text:
        raise ValueError(f"a table cell cannot hold a line break: {text!r}")
    return text.replace("|", "\\|")


def results_table(rows: Mapping[str, Mapping[str, object]], *, index_name: str = "model",
                  floatfmt: str = ".4f", intfmt: str = ",") -> MarkdownTable:
    """Rows of results (one per model) as a Markdown table.

    Parameters
    ----------
    rows
        ``{row name: {column: value}}``, e.g.
        ``{"MLP": regression_metrics(y, y_hat) | {"fit time": "13.4 s"}}``.
        Every row must have the same columns, in the same order.
    index_name
        Header of the first column, which holds the row names.
    floatfmt
        Format of float values (``".4f"``: four decimals). Anything else is
        shown with ``str``, so pass pre-formatted strings such as
        :func:`nncourse.format_duration` output for durations.
    intfmt
        Format of integer values (``","``: thousands separated, 109,386).

    Returns
    -------
    MarkdownTable
        Displays as a table in Jupyter and in the rendered site and slides.
        Columns whose values are all numbers are right-aligned.

    Raises
    ------
    ValueError
        If there are no rows or no columns, if rows differ in their columns,
        if a cell would hold a line break, or if ``floatfmt`` or ``intfmt``
        is not a valid format.
    """
    if not rows:
        raise ValueError("results_table needs at least one row")
    names = list(rows)
    columns = list(rows[names[0]])
    if not columns:
        raise ValueError(f"row {names[0]!r} has no columns")
    for name in names[1:]:
        if list(rows[name]) != columns:
            raise ValueError(
                f"row {name!r} has columns {list(rows[name])}, but row {names[0]!r} has {columns}"
            )
    for name, fmt, probe in (("floatfmt", floatfmt, 1.0), ("intfmt", intfmt, 1)):
        try:
            format(probe, fmt)
        except ValueError as exc:
            raise ValueError(f"{name} {fmt!r} is not a valid format for {type(probe).__name__}") from exc

    def numeric(column) -> bool:
        values = [rows[n][column] for n in names]
        return all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values)

    header = [_cell(index_name, floatfmt), *(_cell(c, floatfmt) for c in columns)]
    rule = [":---", *("---:" if numeric(c) else ":---" for c in columns)]
    body = [[_cell(n, floatfmt), *(_cell(rows[n][c], floatfmt, intfmt) for c in columns)] for n in names]
    lines = ["| " + " | ".join(cells) + " |" for cells in (header, rule, *body)]
    return MarkdownTable("\n".join(lines))
