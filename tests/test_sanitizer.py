"""The nbval sanitizer rules mask only what is volatile and never a result."""

import re
from pathlib import Path

import pytest
from nbval.plugin import get_sanitize_patterns

CFG = Path(__file__).resolve().parent / "sanitize.cfg"
RULES = get_sanitize_patterns(CFG.read_text())


def sanitize(text: str) -> str:
    for regex, replace in RULES:
        text = re.sub(regex, replace, text)
    return text


def test_every_rule_is_read():
    assert len(RULES) == CFG.read_text().count("\nregex: ") == 3


@pytest.mark.parametrize(
    ("volatile", "masked"),
    [
        ("fit time: 1.23 s", "fit time:<duration>"),
        ("one epoch took 456 ms.", "one epoch took<duration>."),
        ("| adam | 0.9375 | 12.05 s |", "| adam | 0.9375 |<duration>|"),
        ("Iteration 3, loss = 0.12345678", "Iteration 3, loss = 0.1234"),
        ("Validation score: 0.79260453", "Validation score: 0.7926"),
    ],
)
def test_volatile_output_is_masked(volatile, masked):
    assert sanitize(volatile) == masked


@pytest.mark.parametrize(
    "result",
    [
        "test accuracy: 0.9575",
        "RMSE 0.5138  MAE 0.3460  R² 0.7986",
        "stopped at iteration 76",
        "X: (10000, 784) float64",
        "10 samples, 3 classes, 5 epochs",
        "hidden_layer_sizes=(128, 64), alpha=0.0001",
        "max abs difference 2.2e-16",
        "Iteration 20, loss = 0.0020",
        # warnings print without paths (nncourse.plain_warnings): nothing to mask
        "ConvergenceWarning: Stochastic Optimizer: Maximum iterations (20) reached",
    ],
)
def test_results_are_untouched(result):
    assert sanitize(result) == result


def test_column_padding_around_a_duration_is_masked_too():
    assert sanitize("sgd     9.87 s  0.91") == sanitize("sgd    12.05 s  0.91")
    assert sanitize("| 9.87 s  |") == sanitize("| 12.05 s |")


def test_a_changed_result_still_differs_after_sanitizing():
    assert sanitize("Iteration 3, loss = 0.1234") != sanitize("Iteration 3, loss = 0.1235")
    assert sanitize("accuracy 0.9575 in 1.2 s") != sanitize("accuracy 0.9574 in 1.2 s")
