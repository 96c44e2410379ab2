"""The command line's handling of what people type (no notebook is executed here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import requires_real_data

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


@requires_real_data
def test_validate_lists_chapters_the_data_cannot_serve_and_still_stops_on_parameter_errors() -> None:
    result = CliRunner().invoke(main, ["validate", "--event-date", "2008-10-15"])
    assert result.exit_code == 0, result.output
    assert "20_saas: not available for this date" in result.output
    assert "WCLD from 2019-09-06" in result.output and "can run from 2019-09-09" in result.output
    assert "30_sanctions: not available for this date" in result.output and "can run from 2015-09-18" in result.output
    assert "China tech stocks group needs 2 stocks" in result.output and "only BIDU has them" in result.output
    assert "10_bubble: not available for this date" in result.output
    assert "needs a share count dated within 183 days of the event" in result.output
    weekend = CliRunner().invoke(main, ["validate", "--event-date", "2025-01-25"])
    assert weekend.exit_code == 1
    assert "Sat 2025-01-25 is not a trading day of XNYS" in weekend.output
    unknown = CliRunner().invoke(main, ["validate", "--event-date", "2008-10-15", "-p", "focus=NOPE"])
    assert unknown.exit_code == 1 and "10_bubble: focus:" in unknown.output


def test_editions_check_refuses_a_malformed_gallery(tmp_path: Path) -> None:
    gallery = tmp_path / "editions.yml"
    gallery.write_text("editions:\n  - {name: Bad, event_date: 2008-13-01, description: d}\n")
    result = CliRunner().invoke(main, ["editions", "--check", "--file", str(gallery)])
    assert result.exit_code == 1
    assert "editions.yml: entry 1 (Bad): event_date: '2008-13-01' is not a calendar date" in result.output
