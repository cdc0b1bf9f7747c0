"""Unit tests of the small helpers in nncourse.plotting and nncourse.timing."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.linear_model import LogisticRegression

from nncourse import OKABE_ITO, format_duration, plot_decision_boundary, plot_digit_grid, stopwatch, use_course_style


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_course_style_uses_the_colour_blind_safe_cycle():
    use_course_style()
    cycle = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
    assert cycle == list(OKABE_ITO.values())
    assert matplotlib.rcParams["font.size"] >= 12


def test_digit_grid_titles_and_marks_wrong_predictions():
    images = np.zeros((3, 784))
    fig = plot_digit_grid(images, [1, 2, 3], predicted=[1, 7, 3], confidence=[0.9, 0.6, 0.99], ncols=3)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == "true 1\npred 1 (90%)"
    assert titles[1] == "true 2\npred 7 (60%) ✗"
    assert fig.axes[1].spines["left"].get_visible() and not fig.axes[0].axison


def test_digit_grid_accepts_square_images_and_pads_the_grid():
    fig = plot_digit_grid(np.zeros((5, 28, 28)), ncols=4)
    assert len(fig.axes) == 8
    assert sum(bool(ax.images) for ax in fig.axes) == 5


@pytest.mark.parametrize(
    ("images", "kwargs", "message"),
    [
        (np.zeros((2, 100)), {}, "784 columns"),
        (np.zeros(784), {}, "shape"),
        (np.zeros((2, 784)), {"labels": [1]}, "labels has 1 entries for 2 images"),
    ],
)
def test_digit_grid_rejects_bad_input(images, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_digit_grid(images, **kwargs)


def test_decision_boundary_draws_the_half_probability_contour():
    X, y = make_moons(100, noise=0.2, random_state=0)
    model = LogisticRegression().fit(X, y)
    ax = plot_decision_boundary(model, X, y, title="logistic")
    assert ax.get_title() == "logistic"
    assert len(ax.collections) >= 3  # filled contours, the 0.5 line, the points
    assert ax.get_legend_handles_labels()[1] == ["class 0", "class 1"]


def test_decision_boundary_rejects_non_2d_input():
    X = np.zeros((10, 3))
    with pytest.raises(ValueError, match="2-D inputs"):
        plot_decision_boundary(LogisticRegression(), X, np.zeros(10))


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.0004, "0 ms"), (0.4561, "456 ms"), (1.0, "1.00 s"), (83.456, "83.46 s")]
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_format_duration_rejects_negative():
    with pytest.raises(ValueError, match="negative"):
        format_duration(-1)


def test_stopwatch_measures_a_block():
    with stopwatch() as t:
        sum(range(1000))
    assert 0 <= t.seconds < 1
    assert str(t).endswith("ms")
