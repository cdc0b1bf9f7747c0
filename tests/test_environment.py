"""requirements.txt (pip) and environment.yml (conda-forge, Binder) must agree."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# Packages only one of the two files can name: the interpreter and installer
# (pip cannot pin Python), and the editable install of the repo itself.
NOT_COMPARED = {"python", "pip"}
# Packages only the test machine needs, never Binder, and why.
PIP_ONLY = {
    "playwright": "drives Chromium for the rendered-site tests, which also need Quarto and a browser; "
    "Binder has neither, and those tests skip there",
}


def pip_pins(text: str) -> dict[str, str]:
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-e"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.\-+]+)", line)
        if not match:
            raise ValueError(f"requirements.txt: {line!r} is not pinned as name==version")
        pins[match[1].lower()] = match[2]
    return pins


def conda_pins(text: str) -> dict[str, str]:
    pins = {}
    for dep in yaml.safe_load(text)["dependencies"]:
        if isinstance(dep, dict):
            raise ValueError(f"environment.yml: nested {list(dep)} section; list conda packages only")
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(?:==?([A-Za-z0-9_.\-+*]+))?", dep.strip())
        if not match:
            raise ValueError(f"environment.yml: cannot read {dep!r}")
        name, version = match[1].lower(), match[2]
        if name in NOT_COMPARED:
            continue
        if version is None:
            raise ValueError(f"environment.yml: {name} is not pinned")
        pins[name] = version
    return pins


def mismatches(pip: dict[str, str], conda: dict[str, str]) -> list[str]:
    pip = {name: version for name, version in pip.items() if name not in PIP_ONLY}
    problems = [f"{n}: only in requirements.txt" for n in sorted(pip.keys() - conda.keys())]
    problems += [f"{n}: only in environment.yml" for n in sorted(conda.keys() - pip.keys())]
    problems += [
        f"{n}: requirements.txt pins {pip[n]}, environment.yml pins {conda[n]}"
        for n in sorted(pip.keys() & conda.keys())
        if pip[n] != conda[n]
    ]
    return problems


def test_pip_and_conda_pin_the_same_packages_at_the_same_versions():
    pip = pip_pins((ROOT / "requirements.txt").read_text())
    conda = conda_pins((ROOT / "environment.yml").read_text())
    assert len(pip) >= 10
    assert mismatches(pip, conda) == []


@pytest.mark.parametrize(
    ("pip_text", "conda_text", "expected"),
    [
        ("numpy==2.4.6\n", "dependencies: [numpy=2.4.5]", "numpy: requirements.txt pins 2.4.6, environment.yml pins 2.4.5"),
        ("numpy==2.4.6\nscipy==1.0\n", "dependencies: [numpy=2.4.6]", "scipy: only in requirements.txt"),
        ("numpy==2.4.6\n", "dependencies: [numpy=2.4.6, seaborn=0.13.2]", "seaborn: only in environment.yml"),
    ],
)
def test_a_difference_is_reported(pip_text, conda_text, expected):
    assert mismatches(pip_pins(pip_text), conda_pins(conda_text)) == [expected]


def test_unpinned_packages_are_rejected():
    with pytest.raises(ValueError, match="not pinned"):
        pip_pins("numpy>=2\n")
    with pytest.raises(ValueError, match="not pinned"):
        conda_pins("dependencies: [numpy]")


def test_python_version_and_package_install():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python and tuple(map(int, python[0].split("=")[1].split(".")[:2])) >= (3, 11)
    assert "-e ." in (ROOT / "requirements.txt").read_text().splitlines()
    post_build = (ROOT / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build, "Binder must install the helper package"
    start = (ROOT / "start").read_text()
    for var in ("OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "MKL_NUM_THREADS=1"):
        assert var in start, f"Binder's start script must export {var}"
    assert (ROOT / "start").stat().st_mode & 0o111 and (ROOT / "postBuild").stat().st_mode & 0o111


def test_binder_reads_the_root_configuration():
    # repo2docker ignores root-level files when a binder/ or .binder/ folder exists.
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
