"""Source names and dates as the indexer stores them."""
from datetime import datetime, timezone

import pytest

from search.dates import parse_date, parse_range
from search.sources import normalize_source


@pytest.mark.parametrize("raw", ["6Medias", "6medias", "6Médias", "6MEDIAS"])
def test_case_and_accent_variants_are_one_source(raw):
    assert normalize_source(raw) == ("6medias", "6Medias")


@pytest.mark.parametrize("raw", ["Source BFMTV", "source BFMTV", "Source BFM TV", "BFMTV", "Source : BFMTV"])
def test_source_prefix_and_spacing_are_ignored(raw):
    assert normalize_source(raw) == ("bfmtv", "BFMTV")


def test_alias_table_merges_other_spellings():
    assert normalize_source("LeHuffPost")[1] == normalize_source("Le HuffPost")[1] == "Le HuffPost"


def test_no_source():
    assert normalize_source(None) is None
    assert normalize_source("   ") is None


@pytest.mark.parametrize("text, expected", [
    ("15 août 2025 21:00", datetime(2025, 8, 15, 19, 0, tzinfo=timezone.utc)),
    ("14 août 2025 01:47", datetime(2025, 8, 13, 23, 47, tzinfo=timezone.utc)),
    ("2017-11-18T18:35:00+01:00", datetime(2017, 11, 18, 17, 35, tzinfo=timezone.utc)),
    ("1er mars 2020", datetime(2020, 2, 29, 23, 0, tzinfo=timezone.utc)),
    ("jeudi 02 juillet 2020 à 21h05", datetime(2020, 7, 2, 19, 5, tzinfo=timezone.utc)),
])
def test_french_and_iso_dates_are_stored_in_utc(text, expected):
    assert parse_date(text).value == expected


def test_a_date_without_year_is_never_given_a_guessed_one():
    parsed = parse_date("Mercredi 20 août")
    assert parsed.value is None and parsed.text == "Mercredi 20 août"
    assert parse_date("Mercredi 20 août", default_year=2025).value.date().isoformat() == "2025-08-19"


@pytest.mark.parametrize("text", ["31/02/2025", "hier", "2025-13", "32 août 2025"])
def test_unreadable_dates_give_nothing(text):
    assert parse_range(text) is None


def test_ranges():
    r = parse_range("août 2025")
    assert (r.start.isoformat(), r.end.isoformat()) == ("2025-08-01", "2025-08-31")
    r = parse_range("2025-08-01..2025-08-15")
    assert (r.start.isoformat(), r.end.isoformat()) == ("2025-08-01", "2025-08-15")
