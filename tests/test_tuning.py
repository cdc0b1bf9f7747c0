"""Unit tests of nncourse.tuning: subsets, warning records, fit reports, result tables."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier

from nncourse.tuning import (
    cv_results_table,
    fit_and_evaluate,
    mnist_subset,
    plot_cv_results,
    record_convergence_warnings,
    stratified_subset,
)


def toy_data(n=200, n_classes=4, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(n_classes), n // n_classes)
    X = rng.normal(size=(n, 3)) + y[:, None]
    return X, y


# ------------------------------------------------------------- stratified_subset
def test_subsets_have_the_requested_sizes_and_are_disjoint():
    X, y = toy_data()
    X = np.column_stack([X, np.arange(len(y))])  # last column: row id
    X_train, X_test, y_train, y_test = stratified_subset(X, y, 80, 40)
    assert X_train.shape == (80, 4) and X_test.shape == (40, 4)
    assert len(y_train) == 80 and len(y_test) == 40
    assert not set(X_train[:, -1]) & set(X_test[:, -1])
    # rows keep their labels
    ids = np.concatenate([X_train[:, -1], X_test[:, -1]]).astype(int)
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), y[ids])


def test_subsets_are_stratified():
    X, y = toy_data(n=400, n_classes=4)
    _, _, y_train, y_test = stratified_subset(X, y, 100, 60)
    assert np.bincount(y_train).tolist() == [25] * 4
    assert np.bincount(y_test).tolist() == [15] * 4


def test_same_seed_same_subsets_other_seed_other_subsets():
    X, y = toy_data()
    a = stratified_subset(X, y, 50, 50, random_state=42)
    b = stratified_subset(X, y, 50, 50, random_state=42)
    c = stratified_subset(X, y, 50, 50, random_state=1)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])


def test_subsets_may_use_all_the_data():
    X, y = toy_data(n=40)
    X_train, X_test, _, _ = stratified_subset(X, y, 28, 12)
    assert len(X_train) + len(X_test) == 40


@pytest.mark.parametrize(
    ("n_train", "n_test", "message"),
    [
        (150, 60, "exceeds the 200 samples"),
        (0, 10, "n_train must be at least 4"),
        (10, 3, "n_test must be at least 4"),
        (10.5, 10, "n_train must be an integer"),
        (10, True, "n_test must be an integer"),
    ],
)
def test_bad_sizes_are_rejected(n_train, n_test, message):
    X, y = toy_data()
    with pytest.raises(ValueError, match=message):
        stratified_subset(X, y, n_train, n_test)


def test_mismatched_lengths_are_rejected():
    X, y = toy_data()
    with pytest.raises(ValueError, match="X has 200 rows but y has 199 labels"):
        stratified_subset(X, y[:-1], 50, 50)


# ------------------------------------------------------------------ mnist_subset
def test_mnist_subset_scaled_and_raw_are_the_same_images():
    X_train, X_test, y_train, y_test = mnist_subset(300, 200)
    assert X_train.shape == (300, 784) and X_test.shape == (200, 784)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert 0 <= X_train.min() and X_train.max() <= 1
    assert np.bincount(y_train, minlength=10).min() >= 25  # every digit present
    R_train, R_test, r_train, r_test = mnist_subset(300, 200, scale=False)
    assert R_train.max() > 1
    np.testing.assert_allclose(R_train / 255, X_train)
    np.testing.assert_array_equal(r_test, y_test)


def test_mnist_subset_rejects_bad_scale():
    with pytest.raises(ValueError, match="scale must be True or False"):
        mnist_subset(100, 100, scale="yes")


# ---------------------------------------------------- record_convergence_warnings
def noisy():
    warnings.warn("slow", ConvergenceWarning)
    warnings.warn("slow", ConvergenceWarning)  # repeats are recorded too
    warnings.warn("unrelated", UserWarning)


def test_convergence_warnings_are_recorded_others_still_print():
    with pytest.warns(UserWarning, match="unrelated") as shown:
        with record_convergence_warnings() as caught:
            noisy()
            assert caught == []  # filled when the block ends
    assert len(caught) == 2
    assert all(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert not any(issubclass(w.category, ConvergenceWarning) for w in shown)


def test_filters_are_restored_even_if_the_block_raises():
    before = list(warnings.filters)
    with pytest.raises(RuntimeError, match="boom"):
        with record_convergence_warnings() as caught:
            warnings.warn("slow", ConvergenceWarning)
            raise RuntimeError("boom")
    assert len(caught) == 1
    assert warnings.filters == before


def test_a_real_mlp_warning_is_recorded():
    X, y = toy_data()
    with record_convergence_warnings() as caught:
        MLPClassifier(hidden_layer_sizes=(5,), max_iter=2, random_state=0).fit(X, y)
    assert len(caught) == 1
    assert "Maximum iterations (2) reached" in str(caught[0].message)


# -------------------------------------------------------------- fit_and_evaluate
def test_fit_and_evaluate_reports_a_stopped_run():
    X, y = toy_data()
    model = MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    report = fit_and_evaluate(model, X[:150], y[:150], X[150:], y[150:])
    assert set(report) == {"train accuracy", "test accuracy", "iterations",
                           "ConvergenceWarning", "fit seconds"}
    assert report["iterations"] == 3 and report["ConvergenceWarning"] is True
    assert 0 <= report["test accuracy"] <= 1 and report["fit seconds"] >= 0
    assert len(model.loss_curve_) == 3  # fitted in place
    assert report["test accuracy"] == model.score(X[150:], y[150:])


def test_fit_and_evaluate_reports_a_converged_run():
    X, y = toy_data()
    report = fit_and_evaluate(LogisticRegression(), X, y, X, y)
    assert report["ConvergenceWarning"] is False
    assert report["train accuracy"] == report["test accuracy"] > 0.5


def test_fit_and_evaluate_needs_a_classifier():
    X, y = toy_data()
    with pytest.raises(ValueError, match="needs a classifier, got LinearRegression"):
        fit_and_evaluate(LinearRegression(), X, y, X, y)


# -------------------------------------------------------------- cv_results_table
FAKE_RESULTS = {
    "params": [{"alpha": 0.1, "hidden_layer_sizes": (5,)}, {"alpha": 1.0, "hidden_layer_sizes": (5,)},
               {"alpha": 0.1, "hidden_layer_sizes": (5, 5)}],
    "mean_test_score": np.array([0.81234, 0.9, 0.85]),
    "std_test_score": np.array([0.01, 0.02049, 0.0]),
    "rank_test_score": np.array([3, 1, 2], dtype=np.int32),
}


def test_cv_results_table_from_a_dictionary():
    table = cv_results_table(FAKE_RESULTS)
    assert list(table.columns) == ["alpha", "hidden_layer_sizes", "mean", "std", "mean ± std", "rank"]
    assert table.index.name == "candidate"
    assert table.index.tolist() == [1, 2, 0]  # best first, candidate numbers kept
    assert table["rank"].tolist() == [1, 2, 3]
    assert table.loc[0, "mean"] == 0.812
    assert table.loc[1, "mean ± std"] == "0.900 ± 0.020"
    assert table.loc[2, "hidden_layer_sizes"] == (5, 5)


def test_cv_results_table_decimals():
    table = cv_results_table(FAKE_RESULTS, decimals=4)
    assert table.loc[0, "mean ± std"] == "0.8123 ± 0.0100"


def test_cv_results_table_from_a_fitted_search():
    X, y = toy_data()
    search = GridSearchCV(LogisticRegression(), {"C": [0.01, 1.0]}, cv=3).fit(X, y)
    table = cv_results_table(search)
    assert sorted(table["C"]) == [0.01, 1.0] and len(table) == 2
    best = table.iloc[0]
    assert best["rank"] == 1 and best["C"] == search.best_params_["C"]
    assert best["mean"] == round(search.best_score_, 3)


def test_cv_results_table_rejects_an_unfitted_search():
    with pytest.raises(ValueError, match="GridSearchCV has no cv_results_: fit the search first"):
        cv_results_table(GridSearchCV(LogisticRegression(), {"C": [1.0]}))


def test_cv_results_table_names_the_available_metrics():
    results = {"params": FAKE_RESULTS["params"]}
    for stat in ("mean", "std", "rank"):
        results[f"{stat}_test_accuracy"] = FAKE_RESULTS[f"{stat}_test_score"]
    with pytest.raises(ValueError, match=r"\['accuracy'\] \(pass one of them as metric=\)"):
        cv_results_table(results)
    assert isinstance(cv_results_table(results, metric="accuracy"), pd.DataFrame)


@pytest.mark.parametrize("decimals", [-1, 11, 2.5, True])
def test_cv_results_table_rejects_bad_decimals(decimals):
    with pytest.raises(ValueError, match="decimals must be an integer"):
        cv_results_table(FAKE_RESULTS, decimals=decimals)


# --------------------------------------------------------------- plot_cv_results
def test_plot_cv_results_groups_by_x_and_hue():
    table = cv_results_table(FAKE_RESULTS)
    fig, ax = plt.subplots()
    assert plot_cv_results(table, x="hidden_layer_sizes", hue="alpha", ax=ax, score_name="accuracy") is ax
    assert [t.get_text() for t in ax.get_xticklabels()] == ["(5,)", "(5, 5)"]
    assert ax.get_ylabel() == "mean CV accuracy ± std"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["alpha = 0.1", "alpha = 1.0"]
    # one error-bar series per alpha; the best candidate (alpha 1.0, (5,)) is starred
    assert len(ax.containers) == 2
    stars = [t for t in ax.texts if t.get_text() == "\u2605"]
    assert len(stars) == 1 and stars[0].xy == pytest.approx((0 + 0.1, 0.9 + 0.02))
    plt.close(fig)


def test_plot_cv_results_without_hue_makes_its_own_figure():
    table = cv_results_table(FAKE_RESULTS)
    ax = plot_cv_results(table[table["alpha"] == 0.1], x="hidden_layer_sizes")
    assert ax.get_legend() is None and len(ax.containers) == 1
    plt.close(ax.figure)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"x": "learning_rate"}, r"no column\(s\) \['learning_rate'\]"),
     ({"x": "alpha", "hue": "batch_size"}, r"\['batch_size'\]")],
)
def test_plot_cv_results_rejects_unknown_columns(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_cv_results(cv_results_table(FAKE_RESULTS), **kwargs)


def test_plot_cv_results_rejects_an_empty_table():
    table = cv_results_table(FAKE_RESULTS)
    with pytest.raises(ValueError, match="no candidates"):
        plot_cv_results(table.iloc[:0], x="alpha")
