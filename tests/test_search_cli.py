"""``manchette search`` end to end, through click's runner."""
from __future__ import annotations

import json

from click.testing import CliRunner

from indexer.search_command import search_command
from search.engine import open_engine
from search.request import SearchRequest


def run(*args: str):
    return CliRunner().invoke(search_command, list(args))


def test_readable_list(seed_index):
    result = run("sécurité OTAN", "--index", str(seed_index), "--per-page", "2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("5 résultats (page 1/3")
    assert "  1. " in result.output and "  2. " in result.output and "  3. " not in result.output
    assert "[" in result.output and "<mark>" not in result.output        # matches in brackets off a terminal


def test_words_may_come_unquoted(seed_index):
    assert run("sécurité", "OTAN", "--index", str(seed_index)).output.startswith("5 résultats")


def test_json_is_the_engines_document(seed_index):
    result = run("Trump", "--source", "Chas Pravdy", "--sort", "newest", "--json", "--index", str(seed_index))
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    expected = open_engine(seed_index).search(SearchRequest(query="Trump", sources=["Chas Pravdy"], sort="newest"))
    expected = expected.to_dict()
    assert document.pop("took_ms") >= 0 and expected.pop("took_ms") >= 0
    assert document == expected
    assert [h["published"] for h in document["hits"]] == ["2025-08-15T19:00:00Z", "2025-08-13T23:47:00Z"]


def test_filters_dates_and_pages(seed_index):
    result = run("--from", "2025-08-14", "--to", "2025-08", "--json", "--index", str(seed_index))
    assert json.loads(result.output)["total"] == 1
    result = run("Poutine", "--page", "2", "--per-page", "4", "--json", "--index", str(seed_index))
    assert len(json.loads(result.output)["hits"]) == 1


def test_malformed_query_is_not_an_error(seed_index):
    result = run('"Maison-Blanche', "--index", str(seed_index))
    assert result.exit_code == 0 and "Requête mal formée (guillemet non fermé)" in result.output


def test_a_bad_option_is_named(seed_index):
    for args, option in ((["--per-page", "500"], "--per-page"), (["--sort", "pertinence"], "--sort"),
                         (["--from", "hier"], "--from"), (["--page", "zéro"], "--page")):
        result = run("Trump", *args, "--index", str(seed_index))
        assert result.exit_code == 2 and option in result.output and "Traceback" not in result.output


def test_missing_index(tmp_path):
    result = run("Trump", "--index", str(tmp_path / "none"))
    assert result.exit_code == 1 and "no index in" in result.output


def test_an_untitled_hit_is_listed_under_its_display_title(untitled_index):
    result = run("Delevoye", "--index", str(untitled_index))
    assert result.exit_code == 0, result.output
    assert "  1. Déclaration d'intérêts Delevoye entendu mercredi en audition libre\n" in result.output
