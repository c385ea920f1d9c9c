"""JSON Lines and JSON arrays: the corpus as it is, and every kind of bad record."""
import gzip
import json
from datetime import datetime, timezone

import pytest

from indexer.readers import read_paths
from indexer.readers.base import Problem
from search.document import Article

from conftest import CORPUS

def test_the_whole_corpus_reads_without_a_problem():
    items = list(read_paths([CORPUS]))
    assert len(items) == 34178
    assert all(isinstance(i, Article) for i in items)
    first = items[0]
    assert first.id.startswith("orangesum-") and first.title and first.body and first.url
    assert first.published.tzinfo == timezone.utc
    with_tags = [a for a in items if a.tags]
    assert with_tags and all(isinstance(t, str) for t in with_tags[0].tags)
    assert all(a.section for a in items[:1000])


def test_record_fields(tmp_path):
    record = {"id": "x1", "title": "Titre", "body": "Le corps.", "source": "Source BFMTV",
              "published": "2020-07-03T19:35:00+02:00", "url": "https://exemple.fr/a", "lang": "fr",
              "extra": {"section": "societe/sante", "tags": ["santé", "hôpital"], "author": "A. B."}}
    (tmp_path / "a.json").write_text(json.dumps([record]), "utf-8")
    (article,) = read_paths([tmp_path])
    assert (article.id, article.title, article.body, article.source) == ("x1", "Titre", "Le corps.", "Source BFMTV")
    assert article.published == datetime(2020, 7, 3, 17, 35, tzinfo=timezone.utc)
    assert article.section == "societe/sante" and article.tags == ["santé", "hôpital"]
    assert article.author == "A. B." and article.lang == "fr" and article.url == "https://exemple.fr/a"


@pytest.mark.parametrize("extra, expected", [
    ({"headline": "Le titre de la page"}, "Le titre de la page"),
    ({"og_title": " Le titre de la page "}, "Le titre de la page"),
    ({"og:title": "Le titre de la page", "section": "monde"}, "Le titre de la page"),
    ({"headline": "", "og_title": "Le titre de la page"}, "Le titre de la page"),
    ({"headline": ["pas", "un texte"]}, ""),
    ({}, ""),
])
def test_a_record_without_a_title_takes_its_pages_headline(tmp_path, extra, expected):
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "x", "title": "", "text": "Le corps.", "extra": extra}))
    (article,) = read_paths([tmp_path])
    assert article.title == expected


def test_bad_lines_are_reported_and_the_rest_is_read(tmp_path):
    lines = [
        json.dumps({"id": "ok1", "title": "Un", "text": "Texte un."}),
        '{"id": "broken", "title": "oops',
        json.dumps({"id": "notext", "title": "Sans texte"}),
        json.dumps(["not", "an", "object"]),
        "",
        json.dumps({"id": "ok2", "title": "Deux", "text": "Texte deux.", "published": "hier soir"}),
    ]
    path = tmp_path / "lot.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    items = list(read_paths([path]))
    articles = [i for i in items if isinstance(i, Article)]
    problems = [str(i) for i in items if isinstance(i, Problem)]
    assert [a.id for a in articles] == ["ok1", "ok2"]
    assert articles[1].published is None and articles[1].date_text == "hier soir"
    assert problems == [
        f"{path}:2: malformed JSON: Unterminated string starting at (column 27)",
        f"{path}:3: record has no text",
        f"{path}:4: a record must be a JSON object",
    ]


def test_non_utf8_json_is_decoded(tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes(json.dumps({"id": "l1", "title": "Éléphant à Besançon", "text": "Été chaud, œuvre."},
                                ensure_ascii=False).encode("cp1252"))
    (article,) = read_paths([path])
    assert article.title == "Éléphant à Besançon" and article.body == "Été chaud, œuvre."


def test_a_legacy_encoded_line_among_utf8_lines_is_decoded(tmp_path):
    path = tmp_path / "mixed.jsonl"
    utf8 = json.dumps({"id": "u", "text": "Noël à Besançon."}, ensure_ascii=False).encode()
    legacy = json.dumps({"id": "l", "text": "Été, œuvre."}, ensure_ascii=False).encode("cp1252")
    path.write_bytes(b"\xef\xbb\xbf" + utf8 + b"\n" + legacy + b"\n")
    assert [a.body for a in read_paths([path])] == ["Noël à Besançon.", "Été, œuvre."]


def test_a_truncated_archive_keeps_the_records_before_the_break(tmp_path):
    lines = [json.dumps({"id": f"a{n}", "text": f"Texte {n}. " + "mot " * 400}) for n in range(200)]
    whole = gzip.compress("\n".join(lines).encode())
    path = tmp_path / "coupe.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    items = list(read_paths([path]))
    articles = [i for i in items if isinstance(i, Article)]
    assert 0 < len(articles) < 200 and [a.id for a in articles] == [f"a{n}" for n in range(len(articles))]
    (problem,) = [i for i in items if isinstance(i, Problem)]
    assert problem.location == str(path)
    assert "not a valid gzip file" in problem.reason and f"after line {len(articles)}" in problem.reason


def test_unknown_formats_are_skipped_not_failed(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (problem,) = read_paths([tmp_path])
    assert problem.skipped and problem.location.endswith("photo.jpg")


def test_records_without_an_id_are_named_by_their_place_in_the_file(tmp_path):
    (tmp_path / "f.jsonl").write_text('{"text": "Un."}\n\n{"text": "Deux."}\n', "utf-8")
    (tmp_path / "g.json").write_text('[{"text": "Un."}, {"text": "Deux."}]', "utf-8")
    assert [a.id for a in read_paths([tmp_path])] == ["f#1", "f#3", "g#0", "g#1"]
