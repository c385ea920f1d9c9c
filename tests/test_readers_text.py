"""Plain-text articles: every field of the five seed articles."""
import gzip
from datetime import datetime, timezone

import pytest

from indexer.readers import read_paths
from indexer.readers.base import Problem

from conftest import SEEDS


@pytest.fixture(scope="module")
def seeds():
    items = list(read_paths([SEEDS]))
    assert not [i for i in items if isinstance(i, Problem)]
    return {a.id: a for a in items}


def test_ids_are_paths_relative_to_the_root(seeds):
    assert sorted(seeds) == ["000_91c5acc868c998b8", "001_e9895f9757e1857e", "002_d5ed4a4cd01b391f",
                             "003_557e849e480eec8d", "004_58e2441d30baac30"]


def test_seed_000_byline_source_date_and_hashtag(seeds):
    a = seeds["000_91c5acc868c998b8"]
    assert a.title == ("Le Commandant des Forces de l’OTAN en Europe Conseille Trump en Alaska "
                       "avant la Rencontre avec Poutine")
    assert a.source == "Chas Pravdy"
    assert a.published == datetime(2025, 8, 15, 19, 0, tzinfo=timezone.utc)
    assert a.tags == ["Politique"]
    assert a.comment_count == 0 and a.comments == ""
    assert a.body.startswith("Dans un contexte de négociations diplomatiques")
    assert a.body.endswith("l’intégrité territoriale de la région.")
    assert "Chas Pravdy" not in a.body and "#Politique" not in a.body
    assert a.origin.endswith("000_91c5acc868c998b8.txt")


def test_seed_001_comments_are_split_from_the_body(seeds):
    a = seeds["001_e9895f9757e1857e"]
    assert a.title == "Guerre en Ukraine : l'OTAN tiendra une réunion pour discuter des garanties de sécurité"
    assert a.source is None
    # "Mercredi 20 août": no year anywhere in the article, so no date is invented.
    assert a.published is None and a.date_text == "Mercredi 20 août"
    assert a.comment_count == 7
    assert "perlimpinpin" in a.comments and "perlimpinpin" not in a.body
    assert "Répondre" not in a.comments and "Laisser un commentaire" not in a.comments
    assert "réflexions au sujet de" not in a.body
    assert a.body.endswith("présenter lors des prochains conseils ministériels.")


def test_seed_002_title_repeated_as_first_paragraph_is_indexed_once(seeds):
    a = seeds["002_d5ed4a4cd01b391f"]
    assert a.title.startswith("Trump prévoit de retirer les troupes américaines")
    assert a.body.startswith("Donald Trump envisage de retirer")
    assert a.source is None and a.published is None and a.comment_count == 0


def test_seed_003_byline_and_trailing_source_line(seeds):
    a = seeds["003_557e849e480eec8d"]
    assert a.source == "Chas Pravdy"
    assert a.published == datetime(2025, 8, 13, 23, 47, tzinfo=timezone.utc)
    assert a.tags == []
    assert a.body.endswith("maintenir les contacts après cet événement.")
    assert not a.body.rstrip().endswith("Source")


def test_seed_004_comments(seeds):
    a = seeds["004_58e2441d30baac30"]
    assert a.title == "Trump propose à Zelensky une garantie après sa rencontre avec Poutine"
    assert a.comment_count == 5
    assert "Caraïbes" in a.comments and "Caraïbes" not in a.body
    assert a.body.endswith("dans un contexte de guerre prolongée.")


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])   # utf-16 with its BOM, as Windows writes it
def test_legacy_encodings_are_decoded(tmp_path, encoding):
    (tmp_path / "vieux.txt").write_bytes("Été à Besançon\n\nLe maire a présenté l’œuvre.".encode(encoding))
    (article,) = read_paths([tmp_path])
    assert article.title == "Été à Besançon"
    assert article.body == "Le maire a présenté l’œuvre."


@pytest.mark.parametrize("name", ["a.txt.gz", "a.TXT.GZ"])
def test_gzipped_text_is_read(tmp_path, name):
    (tmp_path / name).write_bytes(gzip.compress("Titre\n\nCorps de l'article.".encode()))
    (article,) = read_paths([tmp_path])
    assert article.id == "a" and article.body == "Corps de l'article."


@pytest.mark.parametrize("name, content, reason", [
    ("vide.txt", b"", "empty file"),
    ("binaire.txt", b"\x00\x01\x02\x89PNG" * 50, "binary file"),
    ("titre-seul.txt", "Un titre sans corps\n".encode(), "no article text"),
])
def test_bad_text_files_are_reported_by_name(tmp_path, name, content, reason):
    (tmp_path / name).write_bytes(content)
    (problem,) = read_paths([tmp_path])
    assert isinstance(problem, Problem) and not problem.skipped
    assert problem.location.endswith(name) and reason in problem.reason
