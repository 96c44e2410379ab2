"""REQUIRE_REAL_DATA=1 (set by .ci/run) turns a skip for missing real data into a failure."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROBE = '''
import pytest
from conftest import requires_real_data


@requires_real_data
def test_marked():
    pass


def test_skips_by_itself():
    pytest.skip("real data absent: probe")


def test_other_skip():
    pytest.skip("not about data")
'''


def run_probe(tmp_path: Path, require: bool) -> str:
    shutil.copyfile(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_probe.py").write_text(PROBE)
    env = {**os.environ, "DEEPSEEK_MONDAY_DATA": str(tmp_path / "no-data"), "REQUIRE_REAL_DATA": "1" if require else ""}
    completed = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:nbval",
                                "-o", "addopts=", str(tmp_path / "test_probe.py")],
                               cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    return completed.stdout.strip().splitlines()[-1]


def test_missing_data_skips_by_default_and_fails_when_required(tmp_path: Path) -> None:
    assert run_probe(tmp_path, require=False).startswith("3 skipped in ")
    summary = run_probe(tmp_path, require=True)
    assert "1 failed" in summary and "1 error" in summary and "1 skipped" in summary  # only the unrelated skip
