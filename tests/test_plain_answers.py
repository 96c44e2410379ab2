"""The sanctions chapter's one-sentence answer, worded from SYNTHETIC numbers (signs and p-values made up)."""

from __future__ import annotations

import pytest

from deepseek_monday.chapters.sanctions.prose import answer_sentence

MINUS = "\u2212"


def numbers(**changes: object) -> dict[str, object]:
    """SYNTHETIC glue numbers of the sanctions chapter (only the keys the answer reads)."""
    base: dict[str, object] = {
        "event_day": "Monday 27 January 2025", "n_controls": 14, "nvda_car_event": -0.13, "nvda_p_event": 0.0001,
        "nvda_car_event_text": f"{MINUS}13.00 %", "nvda_p_event_text": "p < 0.001", "worst_control_car": -0.08,
        "worst_control_car_text": f"{MINUS}8.00 %", "worst_control": "milestone 1 (31 August 2022)",
        "nvda_holm_phrase": "1 of the 14 milestones", "since_china_us_common": 0.22,
        "since_us_chip_firms_common": -0.13, "since_china_us_common_text": "+22.0 %",
        "since_us_chip_firms_common_text": f"{MINUS}13.0 %", "common_end": "22 May 2025"}
    base.update(changes)
    return base


def test_answer_opens_plainly_then_gives_the_numbers() -> None:
    text = answer_sentence(numbers())
    assert text.startswith("The prices fit the irony: on Monday 27 January 2025 the DeepSeek news moved Nvidia by "
                           f"{MINUS}13.00 % beyond its market model (p < 0.001), a larger fall than on any of the 14 "
                           f"export-control milestones (the worst {MINUS}8.00 %; 1 of the 14 milestones significant")
    assert "US-listed China stocks beat the US chip firms (+22.0 % against" in text
    assert text.endswith("whether the export controls caused DeepSeek's efficiency, prices cannot show.")


@pytest.mark.parametrize(("changes", "opening", "phrase"), [
    ({"since_china_us_common": -0.2}, "The prices fit the irony in part", "China stocks trailed"),
    ({"worst_control_car": -0.2}, "The prices fit the irony in part", "less than on milestone 1 (31 August 2022)"),
    ({"nvda_p_event": 0.2}, "The prices do not show the irony", "a larger fall than on any"),
    ({"nvda_car_event": 0.01, "nvda_p_event": 0.01}, "The prices do not show the irony", "less than on"),
])
def test_opening_follows_the_signs_and_the_tests(changes: dict, opening: str, phrase: str) -> None:
    text = answer_sentence(numbers(**changes))
    assert text.startswith(f"{opening}: ") and phrase in text
