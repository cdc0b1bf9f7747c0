"""The course environment is the lock, on every platform: uv, pip, conda/Binder, and this machine.

* `uv.lock` pins every package for Linux, macOS and Windows and every Python from
  the project's `requires-python` on (uv resolves it from `pyproject.toml`: the
  `course` and `test` dependency groups and the `nncourse` package).
* `requirements.txt` is the same lock exported for pip (`uv export`), one
  `name==version ; marker` line per package; environment.yml (Binder, conda)
  installs it with the Python of `.python-version`, the one the stored outputs
  were made with.
* What is installed in the running environment is exactly the lock's entries
  whose markers hold here (appnope on macOS, pywinpty and colorama on Windows,
  ...): a stale virtual environment (an older numpy, a missing package, an extra
  one that can change an output) fails here, naming the package, before a
  notebook output disagrees for no visible reason.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
UV_LOCK = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
REQUIREMENTS_TXT = (ROOT / "requirements.txt").read_text(encoding="utf-8")
# The command that writes requirements.txt (CONTRIBUTING: "The environment").
EXPORT = ["export", "--no-hashes", "-o", "requirements.txt"]
# Installed but never a line of the export: the installers, and the course package (`-e .`).
NOT_LOCKED = {"pip", "setuptools", "nncourse"}

# Marker environments of the laptops students bring, for the tests below that
# read the lock as those machines would (packaging's names, PEP 508).
PLATFORMS = {
    "linux-x86_64": dict(sys_platform="linux", platform_system="Linux", os_name="posix", platform_machine="x86_64"),
    "linux-aarch64": dict(sys_platform="linux", platform_system="Linux", os_name="posix", platform_machine="aarch64"),
    "macos-arm64": dict(sys_platform="darwin", platform_system="Darwin", os_name="posix", platform_machine="arm64"),
    "macos-x86_64": dict(sys_platform="darwin", platform_system="Darwin", os_name="posix", platform_machine="x86_64"),
    "windows-amd64": dict(sys_platform="win32", platform_system="Windows", os_name="nt", platform_machine="AMD64"),
}
# Which wheel platform tags install on each (manylinux/musllinux, macOS 11+ or universal2, win_amd64).
WHEEL_PLATFORMS = {
    "linux-x86_64": r"(many|musl)linux\w*_x86_64",
    "linux-aarch64": r"(many|musl)linux\w*_aarch64",
    "macos-arm64": r"macosx_\d+_\d+_(arm64|universal2)",
    "macos-x86_64": r"macosx_\d+_\d+_(x86_64|universal2|intel)",
    "windows-amd64": r"win_amd64",
}
PYTHONS = ["3.11", "3.12", "3.13"]


def marker_environment(platform: str, python: str, micro: int = 0) -> dict[str, str]:
    """PEP 508 marker values of CPython `python`.`micro` on `platform` (a key of PLATFORMS)."""
    return default_environment() | PLATFORMS[platform] | {
        "python_version": python,
        "python_full_version": f"{python}.{micro}",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }


# --- reading the export --------------------------------------------------------------


def locked_requirements(text: str) -> list[Requirement]:
    """The `name==version [; marker]` lines of an exported requirements file (comments, options skipped)."""
    requirements = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==":
            raise ValueError(f"requirements.txt: {line!r} is not pinned as name==version")
        requirements.append(requirement)
    return requirements


def expected_here(requirements: list[Requirement], environment: dict[str, str]) -> dict[str, str]:
    """What must be installed on a machine with these marker values: name -> version."""
    return {
        canonicalize_name(r.name): next(iter(r.specifier)).version
        for r in requirements
        if r.marker is None or r.marker.evaluate(environment)
    }


def differences(installed: dict[str, str], requirements: list[Requirement], environment: dict[str, str]) -> list[str]:
    """How an environment differs from the lock's entries for its platform, one line per package."""
    expected = expected_here(requirements, environment)
    elsewhere = {canonicalize_name(r.name): r.marker for r in requirements if r.marker is not None}
    problems = [f"{n}: locked at {expected[n]}, not installed" for n in sorted(expected.keys() - installed.keys())]
    problems += [
        f"{n}: locked at {expected[n]}, installed {installed[n]}"
        for n in sorted(expected.keys() & installed.keys())
        if expected[n] != installed[n]
    ]
    for n in sorted(installed.keys() - expected.keys() - NOT_LOCKED):
        where = f"; the lock has it only where {elsewhere[n]}" if n in elsewhere else ""
        problems.append(f"{n}: installed ({installed[n]}) but not in the lock for this platform{where}")
    return problems


def installed_distributions() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}


def run_uv(*args: str) -> subprocess.CompletedProcess:
    """The uv of the lock's `test` group (`python -m uv`), whichever uv or pip made this environment."""
    return subprocess.run([sys.executable, "-m", "uv", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


REQUIREMENTS = locked_requirements(REQUIREMENTS_TXT)
HERE = default_environment()


# --- the repository's files agree ------------------------------------------------------


def test_requirements_txt_is_the_export_of_uv_lock():
    result = run_uv(*EXPORT[:-2], "--frozen", "--quiet")   # the same export, to stdout
    assert result.returncode == 0, result.stderr
    body = [line for line in REQUIREMENTS_TXT.splitlines() if not line.startswith("#")]
    exported = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    assert body == exported, f"requirements.txt is not uv.lock's export; run `uv {' '.join(EXPORT)}`"
    assert f"uv {' '.join(EXPORT)}" in REQUIREMENTS_TXT.split("\n-e", 1)[0], "the header names its command"
    assert "-e ." in REQUIREMENTS_TXT.splitlines(), "pip installs the course package too"


def test_uv_lock_is_up_to_date_with_pyproject():
    result = run_uv("lock", "--check", "--offline")
    assert result.returncode == 0, f"uv.lock does not match pyproject.toml; run `uv lock`\n{result.stderr}"


def test_the_lock_covers_the_course_and_every_supported_python():
    assert UV_LOCK["requires-python"] == PYPROJECT["project"]["requires-python"]
    assert len(REQUIREMENTS) > 100, "the lock pins the whole environment, dependencies of dependencies included"
    locked = {canonicalize_name(r.name): next(iter(r.specifier)).version for r in REQUIREMENTS}
    groups = PYPROJECT["dependency-groups"]
    assert sorted(groups) == ["course", "test"] and PYPROJECT["tool"]["uv"]["default-groups"] == "all"
    for requirement in map(Requirement, groups["course"] + groups["test"]):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name}: a direct dependency missing from the lock"
        assert requirement.specifier.contains(locked[name]), f"{name}: pyproject.toml says {requirement.specifier}"
    for requirement in map(Requirement, PYPROJECT["project"]["dependencies"]):
        assert canonicalize_name(requirement.name) in locked, f"nncourse needs {requirement.name}, not in the lock"


def test_every_locked_package_installs_from_a_wheel_on_every_student_laptop():
    """No package builds from source (a C compiler) on Linux, macOS (Apple silicon, Intel) or Windows, 3.11-3.13."""
    wheels = {
        (p["name"], p.get("version")): [parse_wheel_filename(w["url"].rsplit("/", 1)[1]) for w in p.get("wheels", [])]
        for p in UV_LOCK["package"]
    }
    missing = []
    for requirement in REQUIREMENTS:
        name, version = canonicalize_name(requirement.name), next(iter(requirement.specifier)).version
        for platform in PLATFORMS:
            for python in PYTHONS:
                if requirement.marker and not requirement.marker.evaluate(marker_environment(platform, python)):
                    continue
                if not any(
                    wheel_installs(tag, platform, python) for *_, tags in wheels[name, version] for tag in tags
                ):
                    missing.append(f"{name} {version}: no wheel for Python {python} on {platform}")
    assert not missing, "\n".join(missing)


def wheel_installs(tag, platform: str, python: str) -> bool:
    minor = int(python.split(".")[1])
    cp = f"cp3{minor}"
    python_ok = (
        tag.interpreter in ("py3", f"py3{minor}")
        or (tag.interpreter == cp and tag.abi in (cp, "abi3", "none"))
        or (tag.abi == "abi3" and re.fullmatch(r"cp3\d+", tag.interpreter) and int(tag.interpreter[3:]) <= minor)
    )
    return bool(python_ok) and (tag.platform == "any" or re.fullmatch(WHEEL_PLATFORMS[platform], tag.platform))


def refusing(installed: list[tuple[str, str, str | None]], requirements: list[Requirement], minor: str) -> list[str]:
    """Installed (name, version, Requires-Python) that the lock gives Python `minor`.0 but that refuse it."""
    oldest = f"{minor}.0"
    applies_there = expected_here(requirements, HERE | {"python_version": minor, "python_full_version": oldest})
    return [
        f"{name} {version} needs Python {needs}"
        for name, version, needs in installed
        if applies_there.get(canonicalize_name(name)) == version and needs and not SpecifierSet(needs).contains(oldest)
    ]


def test_the_lock_installs_on_the_oldest_python_it_admits():
    """requires-python's lowest version (3.11.0; Debian 12 has 3.11.2) can install every package here.

    Each installed package whose lock line applies to Python 3.11.0 must itself
    admit 3.11.0 (its own Requires-Python): uv forks the lock where a newer
    release needs more (soupsieve 4.1 needs 3.11.5: 3.11.0-3.11.4 get 2.10).
    """
    minor = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    installed = [(d.metadata["Name"], d.version, d.metadata.get("Requires-Python"))
                 for d in importlib.metadata.distributions()]
    problems = refusing(installed, REQUIREMENTS, minor)
    assert not problems, f"the lock claims Python {minor}.0 but: " + "; ".join(problems)


def test_a_package_that_refuses_the_oldest_python_is_reported():
    soupsieve = [("soupsieve", "4.1.3", ">=3.11.5")]
    assert refusing(soupsieve, locked_requirements("soupsieve==4.1.3\n"), "3.11") == [
        "soupsieve 4.1.3 needs Python >=3.11.5"
    ]
    forked = locked_requirements(LOCK_EXCERPT.replace("4.1.4", "4.1.3"))
    assert refusing(soupsieve, forked, "3.11") == []


def test_python_version_is_the_one_binder_and_the_readme_use():
    python = (ROOT / ".python-version").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"3\.\d+", python)
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(f"{python}.0")
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert conda == [f"python={python}", "pip"], (
        f"environment.yml must name only Python {python} (.python-version) and pip; every other package comes from the lock"
    )
    assert pip == [{"pip": ["-r requirements.txt"]}]


def test_binder_scripts():
    post_build = (ROOT / "postBuild").read_text(encoding="utf-8")
    assert "check_datasets()" in post_build, "Binder fetches the datasets at build time"
    start = (ROOT / "start").read_text(encoding="utf-8")
    for var in ("OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "MKL_NUM_THREADS=1"):
        assert var in start, f"Binder's start script must export {var}"
    # Executable in the repository (git's mode), which is what Binder checks out;
    # a Windows checkout has no executable bits to look at.
    staged = subprocess.run(["git", "ls-files", "--stage", "postBuild", "start", ".ci/run"],
                            cwd=ROOT, capture_output=True, text=True)
    if staged.returncode != 0 or not staged.stdout:
        pytest.skip("not a git checkout: the executable bits live in git's index")
    modes = {line.split("\t")[1]: line.split()[0] for line in staged.stdout.splitlines()}
    assert modes == {"postBuild": "100755", "start": "100755", ".ci/run": "100755"}
    # repo2docker ignores root-level files when a binder/ or .binder/ folder exists.
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()


# --- this environment is the lock ------------------------------------------------------


def test_installed_packages_are_exactly_the_lock():
    problems = differences(installed_distributions(), REQUIREMENTS, HERE)
    assert not problems, (
        "this Python environment is not the course's lock; `uv sync` (or, with pip, a fresh virtual "
        "environment and `python -m pip install -r requirements.txt`) makes it so:\n  " + "\n  ".join(problems)
    )


# --- the checks bite -------------------------------------------------------------------

LOCK_EXCERPT = """\
-e .
appnope==1.0.0 ; sys_platform == 'darwin'
    # via ipykernel
colorama==0.4.6 ; sys_platform == 'win32'
numpy==2.4.6
pywinpty==3.1.2 ; os_name == 'nt'
soupsieve==2.10 ; python_full_version < '3.11.5'
soupsieve==4.1.4 ; python_full_version >= '3.11.5'
"""


@pytest.mark.parametrize("platform, own", [
    ("macos-arm64", {"appnope": "1.0.0"}),
    ("windows-amd64", {"colorama": "0.4.6", "pywinpty": "3.1.2"}),
    ("linux-x86_64", {}),
])
def test_a_platforms_own_packages_are_accepted_and_an_extra_one_reported(platform, own):
    lock = locked_requirements(LOCK_EXCERPT)
    env = marker_environment(platform, "3.12", 4)
    installed = {"numpy": "2.4.6", "soupsieve": "4.1.4", "pip": "26.3", "nncourse": "1.0.0"} | own
    assert differences(installed, lock, env) == []
    assert differences(installed | {"pyarrow": "21.0.0"}, lock, env) == [
        "pyarrow: installed (21.0.0) but not in the lock for this platform"
    ]
    for name, version in own.items():   # and its own packages are required there
        assert differences({k: v for k, v in installed.items() if k != name}, lock, env) == [
            f"{name}: locked at {version}, not installed"
        ]


def test_another_platforms_package_is_reported_with_where_the_lock_has_it():
    lock = locked_requirements(LOCK_EXCERPT)
    linux = marker_environment("linux-x86_64", "3.11", 7)
    installed = {"numpy": "2.4.6", "soupsieve": "4.1.4", "appnope": "1.0.0"}
    assert differences(installed, lock, linux) == [
        "appnope: installed (1.0.0) but not in the lock for this platform; the lock has it only where sys_platform == \"darwin\""
    ]


def test_a_stale_environment_is_reported_package_by_package():
    lock = locked_requirements("numpy==2.4.6\nscipy==1.17.1\njoblib==1.5.3\n")
    installed = {"numpy": "2.4.5", "joblib": "1.5.3", "pip": "26.3", "nncourse": "1.0.0"}
    assert differences(installed, lock, HERE) == [
        "scipy: locked at 1.17.1, not installed",
        "numpy: locked at 2.4.6, installed 2.4.5",
    ]


def test_the_python_fork_is_read_from_the_markers():
    lock = locked_requirements(LOCK_EXCERPT)
    debian12 = marker_environment("linux-x86_64", "3.11", 2)
    assert expected_here(lock, debian12)["soupsieve"] == "2.10"
    assert expected_here(lock, marker_environment("linux-x86_64", "3.13", 0))["soupsieve"] == "4.1.4"


def test_names_are_compared_as_pip_does_and_unpinned_lines_are_rejected():
    assert expected_here(locked_requirements("Scikit_Learn==1.9.1\n"), HERE) == {"scikit-learn": "1.9.1"}
    with pytest.raises(ValueError, match="not pinned"):
        locked_requirements("numpy>=2\n")


def test_the_wheel_check_sees_a_missing_intel_mac_wheel():
    arm_only = parse_wheel_filename("argon2_cffi_bindings-26.2.0-cp310-abi3-macosx_11_0_arm64.whl")[3]
    universal = parse_wheel_filename("argon2_cffi_bindings-25.1.0-cp39-abi3-macosx_10_9_universal2.whl")[3]
    assert not any(wheel_installs(t, "macos-x86_64", "3.12") for t in arm_only)
    assert any(wheel_installs(t, "macos-x86_64", "3.12") for t in universal)
    assert not any(wheel_installs(t, "macos-x86_64", "3.12") for t in
                   parse_wheel_filename("numpy-2.4.6-cp313-cp313-macosx_14_0_x86_64.whl")[3])


def test_readme_states_the_python_range_and_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    python = (ROOT / ".python-version").read_text(encoding="utf-8").strip()
    oldest = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert f"Python {oldest} or newer" in readme and f"Python {python}" in readme
    for command in ("uv run jupyter lab", "uv run pytest"):
        assert command in readme
