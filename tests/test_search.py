"""The engine: hits, highlighting, pagination, sorting, suggestions, articles, and index swaps."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

import numpy as np
import pytest
from whoosh import index as whoosh_index

from search.document import Article
from search.engine import Engine, NoIndex, open_engine
from search.query import parse
from search.record import record_of
from search.request import SearchRequest
from search.solr.client import ALIAS_TTL
from search.store import Store
from search.whoosh import store
from search.whoosh.evaluate import whoosh_query

S000 = "000_91c5acc868c998b8"


@pytest.fixture
def engine(corpus_engine) -> Engine:
    return corpus_engine


def search(engine: Engine, query: str = "", **options):
    return engine.search(SearchRequest(query=query, **options))


def write_index(writing: Store, articles: list[Article]) -> None:
    """A new index holding exactly ``articles``, swapped in like a rebuild."""
    with writing.lock(), writing.rebuild(workers=1) as batch:
        for article in articles:
            batch.add(record_of(article))
        batch.commit({"sources": {"exemple": "Exemple"}})


def article(number: int, body: str = "Un texte sur la sécurité.", **fields) -> Article:
    return Article(id=f"a{number}", title=fields.pop("title", f"Titre {number}"), body=body, source="Exemple",
                   published=datetime(2024, 1, number, 12, tzinfo=timezone.utc), lang="fr", **fields)


# --- hits ---------------------------------------------------------------------------------

def test_hit_fields(engine):
    hit = next(h for h in search(engine, "Grinkevich").hits if h.id == S000)
    assert hit.published == "2025-08-15T19:00:00Z"
    assert hit.source == "Chas Pravdy" and hit.lang == "fr"
    assert "Donald Trump" in hit.persons and hit.topics
    assert "<mark>Grinkevich</mark>" in hit.snippet and len(hit.snippet) < 300
    assert hit.score > 0


def test_title_weighs_more_than_body(engine):
    hits = search(engine, "coronavirus").hits
    assert "coronavirus" in hits[0].title.lower()


def test_whoosh_scores_are_whoosh_bm25f_scores(corpus_index):
    index = open_engine(corpus_index)._opened()
    searcher = index.searcher()
    for text in ["sécurité", "Macron retraites", "Trump -Poutine", "titre:virus OR masque", '"gilets jaunes"']:
        query = parse(text, index.names).query
        matches = index.evaluator().run(query)
        whoosh = {hit.docnum: hit.score for hit in searcher.search(whoosh_query(query), limit=None)}
        ours = np.flatnonzero(matches.mask)
        assert set(ours.tolist()) == set(whoosh), text
        assert np.allclose([whoosh[d] for d in ours], matches.scores[ours], rtol=1e-4), text


def test_snippets_escape_the_article_html(fresh_store):
    body = "Avant <script>alert(1)</script> puis la sécurité & <b>le reste</b>."
    write_index(fresh_store, [article(1, body, title="<i>Sécurité</i>")])
    engine = open_engine(fresh_store.location)
    hit = search(engine, "securite").hits[0]
    assert "<script>" not in hit.snippet and "<b>" not in hit.snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit.snippet and "&amp;" in hit.snippet
    assert "<mark>sécurité</mark>" in hit.snippet
    page = engine.article("a1", query="sécurité")
    assert page["title_html"] == "&lt;i&gt;<mark>Sécurité</mark>&lt;/i&gt;"
    assert page["body_html"].startswith("<p>Avant &lt;script&gt;") and "<mark>sécurité</mark>" in page["body_html"]


def test_snippets_mark_words_whatever_their_script_and_typography(fresh_store):
    # Letters outside Latin-1 (œ, İ, Greek), curly apostrophes and quotes, and straight quotes (an apostrophe
    # before a word that is no elision) are found where they are written.
    body = "« Le cœur de l’État » bat à Αθήνα, dit “SÉCURITÉ” — İstanbul a 'tenu bon'."
    write_index(fresh_store, [article(1, body)])
    engine = open_engine(fresh_store.location)
    queries = ("coeur", "etat", "securite", "athena", "istanbul", "tenu")
    marked = {query: search(engine, query).hits[0].snippet for query in queries}
    assert "<mark>cœur</mark>" in marked["coeur"]
    assert "<mark>l’État</mark>" in marked["etat"]
    assert "“<mark>SÉCURITÉ</mark>”" in marked["securite"]
    assert "<mark>Αθήνα</mark>" in marked["athena"] and "<mark>İstanbul</mark>" in marked["istanbul"]
    assert "&#39;<mark>tenu</mark> bon&#39;" in marked["tenu"]
    assert all(snippet.count("<mark>") == 1 for snippet in marked.values()), marked


# --- pages and order ----------------------------------------------------------------------

def test_pages(engine):
    first, second = search(engine, "France", page=1), search(engine, "France", page=2)
    both = search(engine, "France", per_page=20)
    assert [h.id for h in first.hits + second.hits] == [h.id for h in both.hits]
    assert len(search(engine, per_page=100).hits) == 100
    past = search(engine, "France", page=10_000)
    assert past.hits == [] and past.total == first.total


def test_sort_by_date(engine):
    for sort, ascending in (("newest", False), ("oldest", True)):
        hits = search(engine, "OTAN", sort=sort, per_page=100).hits
        dates = [h.published for h in hits]
        dated = [d for d in dates if d]
        assert dated == sorted(dated, reverse=not ascending)
        assert dates[len(dated):] == [None] * (len(dates) - len(dated))      # undated last
        assert None in dates


def test_empty_query_lists_newest_first(engine):
    dates = [h.published for h in search(engine, per_page=50).hits]
    assert dates == sorted(dates, reverse=True)


# --- did you mean ------------------------------------------------------------------------

@pytest.mark.parametrize("typo", ["electoin", "eletion"])
def test_suggestion_in_accented_form(engine, typo):
    result = search(engine, typo)
    assert result.total == 0 and result.suggestion == "élection"


def test_suggestion_keeps_the_rest_of_the_query(engine):
    assert search(engine, "présidentielle electoin").suggestion == "présidentielle élection"


def test_no_suggestion_when_the_query_finds_enough(engine):
    assert search(engine, "élection").suggestion is None
    assert search(engine, "qsdfghjklm").suggestion is None


# --- articles ----------------------------------------------------------------------------

def test_article(engine):
    page = engine.article(S000, query="Trump")
    assert page["id"] == S000 and page["source"] == "Chas Pravdy"
    assert page["published"] == "2025-08-15T19:00:00Z" and "Donald Trump" in page["persons"]
    assert "<mark>Trump</mark>" in page["title_html"] and page["body_html"].count("<p>") > 1
    assert engine.article("nope") is None


def test_article_comments_html(seed_engine):
    page = seed_engine.article("001_e9895f9757e1857e", query="commentaires:perlimpinpin")
    assert page["comment_count"] == 7 and "<mark>perlimpinpin</mark>" in page["comments_html"]


def test_related(engine):
    related = engine.related(S000, n=5)
    assert len(related) == 5 and S000 not in {r["id"] for r in related}
    assert all(r["title"] for r in related)
    assert engine.related("nope") == []


def test_stats(engine):
    stats = engine.stats()
    assert stats["articles"] == 2005 and stats["langs"]["fr"] > 1900
    assert stats["top_sources"][0]["count"] >= stats["top_sources"][1]["count"]
    assert stats["date_range"]["to"] == "2025-08-15T19:00:00Z" and stats["undated"] >= 3
    assert stats["size_bytes"] > 0 and stats["generation"]


# --- the index changing under the engine ------------------------------------------------------

def test_engine_follows_a_rebuild_and_deletions(fresh_store):
    write_index(fresh_store, [article(1)])
    engine = open_engine(fresh_store.location)
    assert search(engine, "sécurité").total == 1
    write_index(fresh_store, [article(1), article(2), article(3)])
    time.sleep(ALIAS_TTL)          # SolrCloud: how long an engine trusts the alias it read
    assert search(engine, "sécurité").total == 3
    assert engine.delete(["a2", "missing"]) == 1
    result = search(engine, "sécurité")
    assert result.total == 2 and result.facets["source"].values[0].count == 2
    assert engine.article("a2") is None and engine.stats()["articles"] == 2


def test_whoosh_segment_without_dates(tmp_path):
    index_dir = tmp_path / "index"
    write_index(store.WhooshStore(index_dir), [article(1), article(2)])
    writer = whoosh_index.open_dir(str(store.current_generation(index_dir))).writer()
    writer.add_document(**store.whoosh_fields(record_of(Article(id="undated", title="Sans date", body="La sécurité."))))
    writer.commit(merge=False)          # a second segment, with no date column at all
    result = search(open_engine(index_dir), "sécurité", sort="newest")
    assert [h.id for h in result.hits] == ["a2", "a1", "undated"]
    assert result.facets["date"].extra == {"interval": "month", "undated": 1}


def test_concurrent_searches_during_a_swap(fresh_store):
    write_index(fresh_store, [article(1)])
    engine = open_engine(fresh_store.location)
    errors, totals = [], set()

    def worker():
        try:
            for _ in range(30):
                totals.add(search(engine, "sécurité").total)
        except Exception as error:          # noqa: BLE001 - any failure fails the test below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    write_index(fresh_store, [article(1), article(2)])
    for thread in threads:
        thread.join()
    time.sleep(ALIAS_TTL)
    assert not errors and totals <= {1, 2}
    assert search(engine, "sécurité").total == 2


def test_missing_index(fresh_store):
    with pytest.raises(NoIndex):
        open_engine(fresh_store.location)


def test_whoosh_index_of_an_older_version_is_a_clear_message(tmp_path):
    index_dir = tmp_path / "index"
    write_index(store.WhooshStore(index_dir), [article(1)])
    # Whoosh pickles the analyzers' classes into the index: as if they had since moved.
    toc = next(store.current_generation(index_dir).glob("_MAIN_*.toc"))
    toc.write_bytes(toc.read_bytes().replace(b"search.whoosh.schema", b"search.whoosh.moved_"))
    with pytest.raises(NoIndex, match="built by an older version of Manchette: rebuild it"):
        open_engine(index_dir)


def test_whoosh_segments_are_read_in_place_with_the_same_bytes(corpus_index):
    """Whoosh's own BufferFile copies each part of a segment into memory (4.5 GB serving 300k articles)."""
    from whoosh.filedb.structfile import BufferFile

    from search.whoosh.mapped import MappedFile
    _, ix = store.open_generation(corpus_index)
    with ix.reader() as reader:
        mapped = reader.leaf_readers()[0][0]._terms._postfile
        assert isinstance(mapped, MappedFile)
        copied = BufferFile(mapped._buf)
        for position in (0, 7, len(mapped._buf) // 2):
            mapped.seek(position)
            copied.seek(position)
            assert mapped.read(64) == copied.read(64) and mapped.tell() == copied.tell()
            assert mapped.get(position, 16) == copied.get(position, 16)
