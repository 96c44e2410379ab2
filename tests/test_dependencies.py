"""pyproject.toml and environment.yml must list the same Python packages."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _normalise(requirement: str) -> str:
    return requirement.replace(" ", "").lower().replace("_", "-")


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    listed = {item for item in pip_section if not item.startswith("-e")}
    assert {_normalise(r) for r in listed} == {_normalise(r) for r in wanted}
    python = next(item for item in environment["dependencies"] if isinstance(item, str) and item.startswith("python"))
    assert python.removeprefix("python") == project["requires-python"]
