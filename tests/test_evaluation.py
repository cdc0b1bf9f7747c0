"""Unit tests of nncourse.evaluation: metrics, training curves and mistakes."""

import warnings
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402

from nncourse.evaluation import (  # noqa: E402
    confident_mistakes,
    most_confused_pairs,
    plot_training_curves,
    regression_metrics,
    results_table,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------- regression_metrics
def test_regression_metrics_by_hand():
    row = regression_metrics([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 6.0])
    assert list(row) == ["RMSE", "MAE", "R²"]
    assert row["RMSE"] == pytest.approx(1.0)  # sqrt(4 / 4)
    assert row["MAE"] == pytest.approx(0.5)  # 2 / 4
    assert row["R²"] == pytest.approx(1 - 4 / 5)  # SS_tot = 2.25 + 0.25 + 0.25 + 2.25
    assert all(type(v) is float for v in row.values())


def test_regression_metrics_match_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.normal(size=200)
    y_hat = y + rng.normal(scale=0.3, size=200)
    row = regression_metrics(y, y_hat)
    assert row["RMSE"] == pytest.approx(root_mean_squared_error(y, y_hat))
    assert row["MAE"] == pytest.approx(mean_absolute_error(y, y_hat))
    assert row["R²"] == pytest.approx(r2_score(y, y_hat))


def test_regression_metrics_mean_baseline_has_zero_r2():
    y = np.array([1.0, 3.0, 5.0, 7.0])
    assert regression_metrics(y, np.full(4, y.mean()))["R²"] == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([1.0, 2.0], [1.0, 2.0, 3.0], "differ in length"),
        ([], [], "empty"),
        ([[1.0, 2.0]], [[1.0, 2.0]], "one-dimensional"),
        ([1.0, np.nan], [1.0, 2.0], "y_true holds NaN"),
        ([1.0, 2.0], [np.inf, 2.0], "y_pred holds NaN or infinite"),
        ([2.0, 2.0, 2.0], [1.0, 2.0, 3.0], "constant"),
    ],
)
def test_regression_metrics_rejects_bad_input(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        regression_metrics(y_true, y_pred)


# -------------------------------------------------------- plot_training_curves
def fake_mlp(loss, scores=None):
    return SimpleNamespace(loss_curve_=list(loss), validation_scores_=scores)


def test_training_curves_without_validation_has_one_panel():
    fig = plot_training_curves(fake_mlp([1.0, 0.5, 0.25]), log_loss=True)
    (ax,) = fig.axes
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 0.5, 0.25])
    assert ax.get_yscale() == "log"


def test_training_curves_mark_best_and_stopping_epochs():
    scores = [0.5, 0.7, 0.9, 0.8, 0.85]
    fig = plot_training_curves(fake_mlp([1.0, 0.8, 0.6, 0.5, 0.45], scores), score_name="R²")
    ax_loss, ax_val = fig.axes
    assert ax_val.get_ylabel() == "validation R²"
    np.testing.assert_allclose(ax_val.lines[0].get_ydata(), scores)
    labels = ax_val.get_legend_handles_labels()[1]
    assert labels == ["best validation score (epoch 3)", "stopped (epoch 5)"]
    # The same two epochs are marked in the loss panel.
    marked = sorted(line.get_xdata()[0] for line in ax_loss.lines[1:])
    assert marked == [3, 5]


def test_training_curves_of_real_models_name_their_score():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    with warnings.catch_warnings():  # a few epochs only: the warning is expected here
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg = MLPRegressor(hidden_layer_sizes=(5,), max_iter=15, early_stopping=True,
                           random_state=0).fit(X, X[:, 0])
        clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0).fit(X, X[:, 0] > 0)
        clf_es = MLPClassifier(hidden_layer_sizes=(5,), max_iter=30, early_stopping=True,
                               random_state=0).fit(X, X[:, 0] > 0)
    assert plot_training_curves(reg).axes[1].get_ylabel() == "validation R²"
    assert len(plot_training_curves(clf).axes) == 1
    assert plot_training_curves(clf_es).axes[1].get_ylabel() == "validation accuracy"


def test_training_curves_reject_models_without_a_loss_curve():
    with pytest.raises(ValueError, match="no loss_curve_"):
        plot_training_curves(MLPClassifier())  # not fitted
    with pytest.raises(ValueError, match="loss_curve_ is empty"):
        plot_training_curves(fake_mlp([]))


def test_training_curves_reject_mismatched_scores():
    with pytest.raises(ValueError, match="differ in length"):
        plot_training_curves(fake_mlp([1.0, 0.5, 0.4], [0.2, 0.3]))


# --------------------------------------------------------- most_confused_pairs
def test_most_confused_pairs_counts_and_orders():
    y_true = [4, 4, 4, 7, 7, 9, 1, 1, 3]
    y_pred = [9, 9, 4, 2, 2, 4, 1, 7, 5]
    assert most_confused_pairs(y_true, y_pred) == [(4, 9, 2), (7, 2, 2), (1, 7, 1), (3, 5, 1), (9, 4, 1)]
    assert most_confused_pairs(y_true, y_pred, top=1) == [(4, 9, 2)]
    assert most_confused_pairs(y_true, y_pred, min_count=2) == [(4, 9, 2), (7, 2, 2)]
    assert most_confused_pairs(y_true, y_pred, top=3, min_count=2) == [(4, 9, 2), (7, 2, 2)]
    assert most_confused_pairs(y_true, y_pred, min_count=3) == []


def test_most_confused_pairs_returns_plain_python_values():
    (pair,) = most_confused_pairs(np.array([3, 3]), np.array([3, 8]))
    assert pair == (3, 8, 1)
    assert all(type(v) is int for v in pair)


def test_most_confused_pairs_without_mistakes_is_empty():
    assert most_confused_pairs([1, 2, 3], [1, 2, 3]) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"y_true": [1, 2], "y_pred": [1]}, "differ in length"),
        ({"y_true": [1, 2], "y_pred": [1, 2], "top": 0}, "top must be a positive integer"),
        ({"y_true": [1, 2], "y_pred": [1, 2], "top": 2.5}, "top must be a positive integer"),
        ({"y_true": [1, 2], "y_pred": [1, 2], "min_count": 0}, "min_count must be a positive integer"),
        ({"y_true": [], "y_pred": []}, "empty"),
    ],
)
def test_most_confused_pairs_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        most_confused_pairs(**kwargs)


# ---------------------------------------------------------- confident_mistakes
def test_confident_mistakes_orders_by_confidence_then_position():
    y_true = [0, 1, 2, 3, 4, 5]
    y_pred = [0, 7, 2, 8, 9, 6]
    confidence = [0.99, 0.60, 0.95, 0.90, 0.60, 0.97]
    np.testing.assert_array_equal(confident_mistakes(y_true, y_pred, confidence), [5, 3, 1, 4])
    np.testing.assert_array_equal(confident_mistakes(y_true, y_pred, confidence, n=2), [5, 3])


def test_confident_mistakes_without_mistakes_is_empty():
    assert confident_mistakes([1, 2], [1, 2], [0.9, 0.8]).size == 0


@pytest.mark.parametrize(
    ("confidence", "n", "message"),
    [
        ([0.5, 1.2], None, r"in \[0, 1\]"),
        ([0.5, np.nan], None, r"in \[0, 1\]"),
        ([0.5], None, "differ in length"),
        ([0.5, 0.5], 0, "n must be a positive integer"),
        ([0.5, 0.5], True, "n must be a positive integer"),
    ],
)
def test_confident_mistakes_rejects_bad_input(confidence, n, message):
    with pytest.raises(ValueError, match=message):
        confident_mistakes([1, 2], [2, 1], confidence, n=n)


# --------------------------------------------------------------- results_table
def test_results_table_formats_floats_and_aligns_numbers():
    table = results_table(
        {"MLP": {"RMSE": 0.51378, "n_iter": 76, "time": "13.4 s"},
         "trees": {"RMSE": 0.46540, "n_iter": 1000, "time": "239 ms"}},
        index_name="model",
    )
    assert str(table).splitlines() == [
        "| model | RMSE | n_iter | time |",
        "| :--- | ---: | ---: | :--- |",
        "| MLP | 0.5138 | 76 | 13.4 s |",
        "| trees | 0.4654 | 1,000 | 239 ms |",
    ]
    assert table._repr_markdown_() == repr(table) == str(table)


def test_results_table_takes_numpy_scalars_and_escapes_pipes():
    table = results_table({"a|b": {"R²": np.float64(0.79856), "count": np.int64(7000), "ok": True}},
                          floatfmt=".2f", intfmt="")
    assert str(table).splitlines()[1:] == ["| :--- | ---: | ---: | :--- |", "| a\\|b | 0.80 | 7000 | True |"]


@pytest.mark.parametrize(
    ("rows", "kwargs", "message"),
    [
        ({}, {}, "at least one row"),
        ({"a": {}}, {}, "has no columns"),
        ({"a": {"x": 1.0}, "b": {"y": 2.0}}, {}, "row 'b' has columns"),
        ({"a": {"x": 1.0, "y": 2.0}, "b": {"y": 2.0, "x": 1.0}}, {}, "row 'b' has columns"),
        ({"a": {"x": "two\nlines"}}, {}, "line break"),
        ({"a": {"x": 1.0}}, {"floatfmt": ".4q"}, "floatfmt '.4q' is not a valid format"),
        ({"a": {"x": 1}}, {"intfmt": ".2f."}, "intfmt '.2f.' is not a valid format"),
    ],
)
def test_results_table_rejects_bad_input(rows, kwargs, message):
    with pytest.raises(ValueError, match=message):
        results_table(rows, **kwargs)
