"""Small, reproducible experiments for the tuning and troubleshooting lectures.

The lectures on tuning, best practice, solvers and common issues all run the
same kind of experiment: train a small network on a few thousand MNIST
images, count the ``ConvergenceWarning``\\ s honestly, and put the numbers in a
table. This module holds the pieces they share::

    from nncourse.tuning import mnist_subset, fit_and_evaluate

    X_train, X_test, y_train, y_test = mnist_subset(2_000, 2_000)
    report = fit_and_evaluate(model, X_train, y_train, X_test, y_test)

* :func:`stratified_subset` / :func:`mnist_subset` draw disjoint, class-balanced
  training and test subsets, the same ones on every run;
* :func:`record_convergence_warnings` collects the ``ConvergenceWarning``\\ s of
  one block of code so that a notebook can count them, while every other
  warning still prints (nothing is silenced globally);
* :func:`fit_and_evaluate` fits a classifier and reports its accuracy, its
  number of iterations, whether it hit ``max_iter`` and how long it took;
* :func:`cv_results_table` turns a fitted ``GridSearchCV`` into a tidy table,
  and :func:`plot_cv_results` draws it as mean ± standard deviation.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from numbers import Integral

import numpy as np
import pandas as pd

__all__ = [
    "stratified_subset",
    "mnist_subset",
    "record_convergence_warnings",
    "fit_and_evaluate",
    "cv_results_table",
    "plot_cv_results",
]


def _check_count(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be an integer number of samples, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def stratified_subset(X, y, n_train: int, n_test: int, *, random_state: int = 42):
    """Draw a training and a test subset, disjoint and both stratified by class.

    Parameters
    ----------
    X, y
        The full data set: ``X`` has one row per sample, ``y`` one label per row.
    n_train, n_test
        Sizes of the two subsets. Each must hold at least one sample per class
        (stratification keeps the class proportions of ``y`` in both), and
        together they cannot exceed ``len(y)``.
    random_state
        Seed of the draw: the same seed gives the same subsets on every run.

    Returns
    -------
    X_train, X_test, y_train, y_test
        In the order of :func:`sklearn.model_selection.train_test_split`.

    Raises
    ------
    ValueError
        If ``X`` and ``y`` differ in length, or a size is not an integer, is
        smaller than the number of classes, or the two sizes exceed the data.
    """
    from sklearn.model_selection import train_test_split

    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim != 1:
        raise ValueError(f"expected X with one row per sample and a 1-D y, got shapes {X.shape} and {y.shape}")
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
    n_classes = len(np.unique(y))
    n_train = _check_count("n_train", n_train, n_classes)
    n_test = _check_count("n_test", n_test, n_classes)
    if n_train + n_test > len(y):
        raise ValueError(
            f"n_train + n_test = {n_train + n_test} exceeds the {len(y)} samples available"
        )
    X_train, X_rest, y_train, y_rest = train_test_split(
        X, y, train_size=n_train, stratify=y, random_state=random_state
    )
    if n_test == len(y_rest):
        return X_train, X_rest, y_train, y_rest
    X_test, _, y_test, _ = train_test_split(
        X_rest, y_rest, train_size=n_test, stratify=y_rest, random_state=random_state
    )
    return X_train, X_test, y_train, y_test


def mnist_subset(n_train: int, n_test: int, *, scale: bool = True, random_state: int = 42,
                 data_home=None):
    """A reproducible, class-stratified subset of MNIST, pixels scaled to [0, 1].

    Draws ``n_train`` training and ``n_test`` other test images from the
    10,000 images of :func:`nncourse.load_mnist` with :func:`stratified_subset`.

    Parameters
    ----------
    n_train, n_test
        Sizes of the two subsets (each at least 10, together at most 10,000).
    scale
        Divide the pixel values by 255, so they lie in [0, 1]. ``False`` keeps
        the raw values 0..255; the images drawn are the same either way.
    random_state
        Seed of the draw.
    data_home
        Passed to :func:`nncourse.load_mnist`.

    Returns
    -------
    X_train, X_test, y_train, y_test
        ``X`` as float64 arrays of shape (n, 784), ``y`` as int64 labels.
    """
    from nncourse.data import load_mnist

    if not isinstance(scale, bool):
        raise ValueError(f"scale must be True or False, got {scale!r}")
    X, y = load_mnist(data_home)
    if scale:
        X = X / 255.0
    return stratified_subset(X, y, n_train, n_test, random_state=random_state)


@contextmanager
def record_convergence_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """Collect the ``ConvergenceWarning``\\ s raised in a block; let every other warning print.

    ::

        with record_convergence_warnings() as caught:
            search.fit(X, y)
        print(f"{len(caught)} fits stopped at max_iter")

    Every ``ConvergenceWarning`` is recorded, repeats included, instead of
    printed; the list is filled when the block ends. Any other warning raised
    in the block is printed again afterwards, through the filters that were in
    force before, so nothing is silenced. The warning filters are restored on
    exit, even if the block raises.
    """
    from sklearn.exceptions import ConvergenceWarning

    caught: list[warnings.WarningMessage] = []
    others: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as recorded:
            warnings.simplefilter("always", ConvergenceWarning)
            try:
                yield caught
            finally:
                for message in recorded:
                    is_convergence = issubclass(message.category, ConvergenceWarning)
                    (caught if is_convergence else others).append(message)
    finally:
        for message in others:
            warnings.warn_explicit(message.message, message.category, message.filename,
                                   message.lineno, source=message.source)


def fit_and_evaluate(model, X_train, y_train, X_test, y_test) -> dict:
    """Fit a classifier and report what a comparison table needs.

    The model is fitted in place (as ``model.fit`` would), so its attributes,
    such as ``loss_curve_``, stay available afterwards. ``ConvergenceWarning``\\ s
    raised by the fit are recorded with :func:`record_convergence_warnings`
    and reported, not printed; other warnings print as usual.

    Returns
    -------
    dict
        ``"train accuracy"`` and ``"test accuracy"`` (``model.score``),
        ``"iterations"`` (``model.n_iter_``; its largest entry if the model
        reports one per class; ``None`` if the model has no such attribute), ``"ConvergenceWarning"`` (``True`` if the fit raised
        one, e.g. because it stopped at ``max_iter``) and ``"fit seconds"``
        (wall-clock time of the fit; print it with
        :func:`nncourse.format_duration`).

    Raises
    ------
    ValueError
        If ``model`` is not a scikit-learn classifier.
    """
    from sklearn.base import is_classifier

    if not is_classifier(model):
        raise ValueError(
            f"fit_and_evaluate reports accuracy and needs a classifier, got {type(model).__name__}"
        )
    with record_convergence_warnings() as caught:
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
    n_iter = getattr(model, "n_iter_", None)
    return {
        "train accuracy": float(model.score(X_train, y_train)),
        "test accuracy": float(model.score(X_test, y_test)),
        "iterations": None if n_iter is None else int(np.max(n_iter)),
        "ConvergenceWarning": bool(caught),
        "fit seconds": seconds,
    }


def cv_results_table(search, *, metric: str = "score", decimals: int = 3) -> pd.DataFrame:
    """The results of a hyperparameter search as a table, best first.

    Parameters
    ----------
    search
        A fitted ``GridSearchCV`` / ``RandomizedSearchCV``, or its
        ``cv_results_`` dictionary.
    metric
        Which test score to report: ``"score"`` for a search with a single
        scorer, else the name of one of its scorers.
    decimals
        Decimals to round the mean and standard deviation to.

    Returns
    -------
    pandas.DataFrame
        One row per candidate (index ``candidate``: its position in
        ``cv_results_``), sorted by rank: one column per hyperparameter, then
        ``mean`` and ``std`` of the cross-validated test score over the folds,
        ``mean ± std`` as text, and ``rank`` (1 = best; ties share a rank).

    Raises
    ------
    ValueError
        If the search is not fitted, the metric is unknown, or ``decimals`` is
        not an integer between 0 and 10.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, Integral) or not 0 <= decimals <= 10:
        raise ValueError(f"decimals must be an integer between 0 and 10, got {decimals!r}")
    results = search if isinstance(search, Mapping) else getattr(search, "cv_results_", None)
    if results is None:
        raise ValueError(
            f"{type(search).__name__} has no cv_results_: fit the search first, "
            "or pass its cv_results_ dictionary"
        )
    keys = {f"{stat}_test_{metric}" for stat in ("mean", "std", "rank")} | {"params"}
    missing = sorted(keys - set(results))
    if missing:
        scorers = sorted(k[len("mean_test_"):] for k in results if k.startswith("mean_test_"))
        raise ValueError(
            f"cv_results_ has no {', '.join(missing)}; the test scores it holds are "
            f"{scorers or 'none'} (pass one of them as metric=)"
        )
    params = pd.DataFrame(list(results["params"]))
    mean = np.asarray(results[f"mean_test_{metric}"], dtype=float).round(decimals)
    std = np.asarray(results[f"std_test_{metric}"], dtype=float).round(decimals)
    table = params.assign(
        mean=mean,
        std=std,
        **{"mean ± std": [f"{m:.{decimals}f} ± {s:.{decimals}f}" for m, s in zip(mean, std)]},
        rank=np.asarray(results[f"rank_test_{metric}"], dtype=int),
    )
    table.index.name = "candidate"
    return table.sort_values("rank", kind="stable")


def plot_cv_results(table: pd.DataFrame, *, x: str, hue: str | None = None, ax=None,
                    score_name: str = "score", spread: float = 0.2):
    """Draw each candidate of a search as its mean score with ± one standard deviation.

    Parameters
    ----------
    table
        The output of :func:`cv_results_table` (columns ``mean``, ``std``,
        ``rank`` and one per hyperparameter).
    x
        The hyperparameter along the x-axis: one group per value, in the order
        the values first appear among the candidates.
    hue
        An optional second hyperparameter: one colour and marker per value,
        side by side within each group.
    ax
        Axes to draw on; a new figure if ``None``.
    score_name
        What the score is, for the y-axis label (e.g. ``"accuracy"``).
    spread
        Horizontal distance between neighbouring ``hue`` values in a group.

    The best candidate (rank 1; all of them if several tie) gets a black star
    above its error bar.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``table`` lacks a column named here or one of ``mean``, ``std``,
        ``rank``, or is empty.
    """
    import matplotlib.pyplot as plt

    from nncourse.plotting import OKABE_ITO

    required = ["mean", "std", "rank", x] + ([] if hue is None else [hue])
    missing = [c for c in required if c not in getattr(table, "columns", [])]
    if missing:
        raise ValueError(
            f"table has no column(s) {missing}: pass the output of cv_results_table and "
            "hyperparameter names among its columns"
        )
    if len(table) == 0:
        raise ValueError("table has no candidates to plot")
    table = table.sort_index()

    def distinct(values) -> list:
        seen: list = []
        for value in values:
            if value not in seen:
                seen.append(value)
        return seen

    groups = distinct(table[x])
    hues = [None] if hue is None else distinct(table[hue])
    colors = list(OKABE_ITO.values())
    markers = "osD^v<>p"
    if ax is None:
        _, ax = plt.subplots()
    offset0 = (len(hues) - 1) / 2
    for k, value in enumerate(hues):
        rows = table if hue is None else table[[v == value for v in table[hue]]]
        positions = [groups.index(g) + (k - offset0) * spread for g in rows[x]]
        ax.errorbar(positions, rows["mean"], yerr=rows["std"], fmt=markers[k % len(markers)],
                    color=colors[k % len(colors)], markersize=8, capsize=5,
                    label=None if hue is None else f"{hue} = {value}")
        for position, row in zip(positions, rows.itertuples(index=False)):
            if getattr(row, "rank") == 1:
                top = row.mean + row.std
                ax.annotate("\u2605", (position, top), xytext=(0, 4), textcoords="offset points",
                            ha="center", va="bottom", fontsize=18, color="black")
    ax.set_xticks(range(len(groups)), [str(g) for g in groups])
    ax.set_xlim(-0.5, len(groups) - 0.5)
    ax.margins(y=0.15)  # room for the star
    ax.set_xlabel(x)
    ax.set_ylabel(f"mean CV {score_name} ± std")
    if hue is not None:
        ax.legend(loc="best")
    return ax
