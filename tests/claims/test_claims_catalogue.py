"""The claims file: complete, consistent, and every claim measurable or explicitly not checkable."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

from deepseek_monday.claims.catalogue import ARTICLES, CLAIM_COLUMNS, claims_file, load_claims, parse_claims
from deepseek_monday.claims.chapters import CHAPTER_TITLES
from deepseek_monday.claims.registry import get_measure, registered_measures
from deepseek_monday.data.paths import project_root
from deepseek_monday.errors import DataValidationError


@pytest.fixture(scope="module")
def claims():
    return load_claims()


def test_every_claim_has_a_registered_measure_or_a_not_checkable_reason(claims) -> None:
    for claim in claims:
        assert claim.measure or claim.not_checkable_reason, claim.id
        if claim.measure:
            measure = get_measure(claim.measure)
            assert measure.unit in (None, claim.unit), claim.id
        if not claim.measure:
            assert len(claim.not_checkable_reason) > 20, f"{claim.id}: say why it cannot be checked"


def test_every_article_is_covered_and_ids_follow_the_article(claims) -> None:
    by_article = pd.Series([claim.article for claim in claims]).value_counts()
    assert set(by_article.index) == set(ARTICLES)
    for claim in claims:
        assert claim.id.startswith(ARTICLES[claim.article].number + "-")
    numbers = [claim.id for claim in claims]
    assert numbers == sorted(numbers), "claims are listed article by article, in reading order"


def test_articles_exist_in_the_seeds_folder() -> None:
    seeds = project_root().parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"no seeds folder at {seeds}")
    for file in ARTICLES:
        assert (seeds / file).is_file(), file


def test_claims_are_paraphrased_not_copied() -> None:
    """No run of eight words of an article appears in the claims file (the claims are English)."""
    seeds = project_root().parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"no seeds folder at {seeds}")
    text = claims_file().read_text(encoding="utf-8").lower()
    for file in ARTICLES:
        words = re.findall(r"\w+", (seeds / file).read_text(encoding="utf-8").lower())
        runs = {" ".join(words[i:i + 8]) for i in range(len(words) - 7)}
        claim_words = " ".join(re.findall(r"\w+", text))
        assert not [run for run in runs if run in claim_words], file


def test_every_registered_measure_is_used(claims) -> None:
    used = {claim.measure for claim in claims if claim.measure}
    assert set(registered_measures()) == used


def test_chapters_and_conflicts_are_known(claims) -> None:
    ids = {claim.id for claim in claims}
    for claim in claims:
        assert claim.chapter in CHAPTER_TITLES
        if claim.conflicts_with:
            assert claim.conflicts_with in ids
            assert claim.conflicts_with != claim.id


def test_the_contradictions_inside_article_001_are_both_listed(claims) -> None:
    by_id = {claim.id: claim for claim in claims}
    pairs = {frozenset((c.id, c.conflicts_with)) for c in claims if c.conflicts_with}
    sp500 = [pair for pair in pairs if all(by_id[i].symbols == ("GSPC",) for i in pair)]
    nasdaq = [pair for pair in pairs if all(by_id[i].symbols == ("NDX",) for i in pair)]
    assert len(sp500) == 1 and len(nasdaq) == 1
    assert {by_id[i].claimed_text for i in sp500[0]} == {"-1.9", "-1.5"}


def _row(**changes: str) -> dict[str, str]:
    row = dict.fromkeys(CLAIM_COLUMNS, "")
    row.update(id="001-01", article="001_ca7dd5b8e3a44e1c.txt", claim="Nvidia fell", metric="session return",
               instrument="Nvidia", symbols="NVDA", dates="2025-01-27", relation="approx", claimed="-17",
               unit="percent", tolerance="abs 0.5/2.5", measure="session_return", chapter="00_overview")
    row.update(changes)
    return row


def test_parse_claims_accepts_a_good_row() -> None:
    (claim,) = parse_claims(pd.DataFrame([_row()]))
    assert claim.date == pd.Timestamp("2025-01-27")
    assert claim.claimed_value() == -17.0
    assert (claim.stand_in_bias, claim.note) == ("", "")


def test_parse_claims_reads_a_stand_in_and_a_note() -> None:
    # SYNTHETIC row: a stand-in that reads low, with its reason, and a note.
    (claim,) = parse_claims(pd.DataFrame([_row(stand_in="low: the fund trails the index by its fees",
                                               note="Read as a statement about the fund")]))
    assert claim.stand_in_bias == "low"
    assert claim.stand_in_reason == "the fund trails the index by its fees"
    assert claim.note == "Read as a statement about the fund"


@pytest.mark.parametrize(("changes", "message"), [
    ({"measure": ""}, "measure or a not_checkable_reason"),
    ({"measure": "no_such_measure"}, "no measure named"),
    ({"unit": "USD_billions"}, "returns percent"),
    ({"chapter": "40_elsewhere"}, "unknown chapter"),
    ({"tolerance": "about 1"}, "tolerance"),
    ({"relation": "roughly"}, "relation"),
    ({"claimed": "minus seventeen"}, "could not convert"),
    ({"id": "002-01"}, "article's number"),
    ({"symbols": "NOPE"}, "not in data/universe.csv"),
    ({"relation": "within", "claimed": "-17"}, "lo..hi"),
    ({"unit": "text", "relation": "approx"}, "equals"),
    ({"args": "keyword"}, "key=value"),
    ({"stand_in": "sideways: no such bias"}, "stand_in"),
    ({"stand_in": "low"}, "stand_in"),
])
def test_parse_claims_names_the_problem(changes: dict[str, str], message: str) -> None:
    with pytest.raises(DataValidationError, match=message) as error:
        parse_claims(pd.DataFrame([_row(**changes)]))
    assert "line 2" in str(error.value)


def test_parse_claims_rejects_duplicates_and_dangling_conflicts() -> None:
    with pytest.raises(DataValidationError, match="ids used twice"):
        parse_claims(pd.DataFrame([_row(), _row()]))
    with pytest.raises(DataValidationError, match="unknown claim"):
        parse_claims(pd.DataFrame([_row(conflicts_with="001-99")]))
    with pytest.raises(DataValidationError, match="columns"):
        parse_claims(pd.DataFrame([_row()]).drop(columns="chapter"))


def test_load_claims_parses_a_file_once_per_version(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    pd.DataFrame([_row()]).to_csv(path, index=False)
    first = load_claims(path)
    assert load_claims(path) is first  # unchanged: not parsed again
    pd.DataFrame([_row(claimed="-18")]).to_csv(path, index=False)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    (changed,) = load_claims(path)
    assert changed.claimed_value() == -18.0


def test_claim_accessors_check_their_shape() -> None:
    (claim,) = parse_claims(pd.DataFrame([_row(dates="2025-01-15..2025-01-29", symbols="NVDA;AVGO")]))
    assert claim.window == (pd.Timestamp("2025-01-15"), pd.Timestamp("2025-01-29"))
    with pytest.raises(DataValidationError):
        _ = claim.date
    with pytest.raises(DataValidationError):
        _ = claim.symbol
    with pytest.raises(DataValidationError, match="needs argument"):
        claim.arg("keyword")
