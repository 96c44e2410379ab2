"""The command line's handling of what people type (no notebook is executed here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from deepseek_monday.build.cli import _parse_overrides, main


def test_dates_given_with_p_stay_iso_strings_like_the_notebook_defaults() -> None:
    # YAML reads 2024-08-06 as a date, which papermill cannot write into a notebook.
    assert _parse_overrides(None, ("event_date=2024-08-06",)) == {"event_date": "2024-08-06"}
    assert _parse_overrides(None, ("lookback_days=15", "symbols=[NVDA, AMD]")) == {
        "lookback_days": 15, "symbols": ["NVDA", "AMD"]}
    assert _parse_overrides("2025-01-27", ()) == {"event_date": "2025-01-27"}


def test_malformed_values_get_one_line_not_a_traceback() -> None:
    result = CliRunner().invoke(main, ["validate", "-p", "lookback_days=[15"])
    assert result.exit_code == 2
    assert "lookback_days='[15' is not a valid YAML value" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, ["validate", "-p", "=3"])
    assert result.exit_code == 2
    assert "'=3' is not KEY=VALUE" in result.output


def test_a_missing_data_directory_is_named_as_the_option(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = CliRunner().invoke(main, ["--data-dir", str(missing), "validate"])
    assert result.exit_code == 2
    assert "--data-dir" in result.output
    assert "does not exist" in result.output


def test_module_entry_point_exits_with_the_commands_status() -> None:
    # `run` leaves with os._exit after flushing; the status and the message must survive that.
    completed = subprocess.run([sys.executable, "-m", "deepseek_monday", "validate", "-p", "=3"],
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 2
    assert "'=3' is not KEY=VALUE" in completed.stderr
    completed = subprocess.run([sys.executable, "-m", "deepseek_monday", "--help"],
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0
    assert "build" in completed.stdout and "validate" in completed.stdout
