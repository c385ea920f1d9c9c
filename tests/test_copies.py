"""Syndicated copies (issue #12): detection at index time, collapse, versions, diff, exports, --update, stats.

The archive is made of real corpus articles, copied and edited as outlets do:
an exact copy under another masthead, a lightly edited one, a teaser, and an
unrelated article that happens to share a title. Engine tests run on Whoosh
and SolrCloud.
"""
from __future__ import annotations

import csv
import io
import json
import re
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import build_index, corpus_lines, solr_location
from indexer import pipeline
from indexer.cli import cli
from indexer.search_command import search_command
from search.engine import open_engine
from search.request import SearchRequest
from web import create_app

REAL = [json.loads(line) for line in corpus_lines(40)]
STORY, SEGUR, LONER, HOMONYM, OTHER_BODY = REAL[5], REAL[3], REAL[10], REAL[19], REAL[30]
EDITED_TAIL = " <b>Mise à jour</b> & précisions : le dispositif sera évalué chaque année par les services de l'Etat."


def _record(base: dict, ident: str, **changes) -> dict:
    return {**base, "id": ident, **changes}


def _edited(text: str) -> str:
    """A lightly edited copy: three words changed and a sentence added at the end."""
    return (text.replace("millions", "millions d'euros", 1).replace("ours", "plantigrades", 1)
            .replace("2020", "cette année", 1) + EDITED_TAIL)


def archive_records() -> dict[str, list[dict]]:
    """File name -> records. ``rep.jsonl`` holds the story's representative (same time as the original, longer)."""
    exact_copy = STORY["text"].replace("\n\n", "\n").replace(". ", ".  ")       # spacing only
    teaser = " ".join(SEGUR["text"].split()[:80]) + " …"
    return {
        "base.jsonl": [
            STORY,
            _record(STORY, "copie/exacte", source="Orange avec AFP", published="2020-07-03T10:00:00+02:00",
                    title="Ours : 10 millions pour les éleveurs", text=exact_copy),
            SEGUR,
            _record(SEGUR, "teaser/segur", source="6Medias", text=teaser, published="2020-07-02T23:30:00+02:00"),
            HOMONYM,
            _record(OTHER_BODY, "homonyme", title=HOMONYM["title"], source=HOMONYM["source"]),
            LONER, REAL[0], REAL[1], REAL[2],
        ],
        "rep.jsonl": [_record(STORY, "copie/retouchee", source="Belga", text=_edited(STORY["text"]))],
    }


def write_archive(folder: Path, files: dict[str, list[dict]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, records in files.items():
        (folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return folder


@pytest.fixture(scope="module")
def copies_location(request, engine_kind, tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("copies")
    folder = write_archive(root / "archive", archive_records())
    location = str(root / "index") if engine_kind == "whoosh" else solr_location(request, f"copies{uuid.uuid4().hex[:8]}")
    report = build_index([folder], location, entities=False)
    assert report.failed == 0 and report.indexed == 11
    return location


@pytest.fixture(scope="module")
def copies_engine(copies_location):
    return open_engine(copies_location)


@pytest.fixture(scope="module")
def copies_client(copies_location):
    return create_app({"INDEX": copies_location, "TESTING": True}).test_client()


def every_hit(engine, **options) -> dict:
    result = engine.search(SearchRequest(collapse=False, per_page=100, **options))
    return {hit.id: hit for hit in result.hits}


def test_exact_and_near_copies_across_sources_are_one_group(copies_engine):
    hits = every_hit(copies_engine)
    story = hits[STORY["id"]]
    assert hits["copie/exacte"].group == hits["copie/retouchee"].group == story.group
    assert story.versions == 2
    assert {v["id"] for v in story.other_versions} == {"copie/exacte", "copie/retouchee"}
    assert {hits[i].source for i in (STORY["id"], "copie/exacte", "copie/retouchee")} == {"AFP", "Orange avec AFP", "Belga"}


def test_teaser_joins_its_full_article(copies_engine):
    hits = every_hit(copies_engine)
    assert hits["teaser/segur"].group == hits[SEGUR["id"]].group
    assert hits["teaser/segur"].versions == 1


def test_same_title_unrelated_articles_stay_apart(copies_engine):
    hits = every_hit(copies_engine)
    assert hits["homonyme"].display_title == hits[HOMONYM["id"]].display_title
    assert hits["homonyme"].group != hits[HOMONYM["id"]].group
    assert hits["homonyme"].versions == hits[HOMONYM["id"]].versions == hits[LONER["id"]].versions == 0


def test_representative_is_earliest_then_longest(copies_engine):
    # The edited copy has the original's date and more words: it represents the story.
    assert copies_engine.article("copie/retouchee")["representative"] is True
    assert copies_engine.article(STORY["id"])["representative"] is False
    assert copies_engine.article("copie/exacte")["representative"] is False
    assert copies_engine.article(SEGUR["id"])["representative"] is True     # earlier than its teaser


def test_collapse_shows_each_story_once_and_counts_both(copies_engine):
    collapsed = copies_engine.search(SearchRequest(query="ours", per_page=100))
    every = copies_engine.search(SearchRequest(query="ours", collapse=False, per_page=100))
    assert collapsed.total == every.total and collapsed.stories == every.stories
    assert every.total - every.stories == 2
    assert len(collapsed.hits) == collapsed.stories == len({h.group for h in collapsed.hits})
    assert len(every.hits) == every.total
    # Facets count articles either way.
    assert collapsed.facets["source"].to_dict() == every.facets["source"].to_dict()
    best = every.hits[0]
    assert collapsed.hits[0].id == best.id       # the group shows as its best-ranked member


def test_article_lists_versions_and_the_diff_is_escaped(copies_client):
    page = copies_client.get(f"/api/articles/{STORY['id']}").get_json()["article"]
    versions = {v["id"]: v for v in page["versions"]}
    assert set(versions) == {"copie/exacte", "copie/retouchee"}
    assert versions["copie/exacte"]["difference"] == 0.0
    assert 0 < versions["copie/retouchee"]["difference"] < 0.2
    diff = copies_client.get(f"/api/diff?a={STORY['id']}&b=copie/retouchee").get_json()
    assert "&lt;b&gt;Mise" in diff["diff_html"] and "<b>" not in diff["diff_html"] and "&amp;" in diff["diff_html"]
    assert "<ins>" in diff["diff_html"] and "<del>" in diff["diff_html"]
    html = copies_client.get(f"/diff?a={STORY['id']}&b=copie/retouchee").get_data(as_text=True)
    assert "&lt;b&gt;Mise" in html and "<b>Mise" not in html
    article_html = copies_client.get(f"/articles/{STORY['id']}").get_data(as_text=True)
    assert "Autres versions (2)" in article_html and f"/diff?a={STORY['id']}&amp;b=copie/exacte" in article_html
    assert copies_client.get("/api/diff?a=copie/exacte").get_json()["parameter"] == "b"
    assert copies_client.get("/api/diff?a=copie/exacte&b=nope").status_code == 404


def test_page_and_api_collapse_switch(copies_client):
    collapsed = copies_client.get("/api/search?q=ours").get_json()
    every = copies_client.get("/api/search?q=ours&collapse=false").get_json()
    assert (collapsed["total"], len(collapsed["hits"])) == (every["total"], len(every["hits"]) - 2)
    assert collapsed["stories"] == every["stories"] == len(collapsed["hits"])
    grouped = next(h for h in collapsed["hits"] if h["versions"])
    assert grouped["versions"] == 2 and set(grouped["agencies"]) <= {"AFP", "Belga"} and grouped["agencies"]
    assert "11 articles, 8 histoires" in copies_client.get("/search").get_data(as_text=True)
    html = copies_client.get("/search?q=ours").get_data(as_text=True)
    assert "3 articles, 1 histoire" in html
    assert re.search(r"<details class=\"versions\">\s*<summary>2 autres versions</summary>", html)
    assert "Afficher toutes les versions" in html and "collapse=0" in html
    every_html = copies_client.get("/search?q=ours&collapse=0").get_data(as_text=True)
    assert every_html.count('<li class="hit">') == every["total"]
    assert 'name="collapse" value="0"' in every_html         # the switch travels with the next search
    assert copies_client.get("/api/search?collapse=maybe").get_json()["parameter"] == "collapse"


def test_csv_and_atom_honour_collapse(copies_client):
    def csv_ids(query: str) -> list[str]:
        rows = list(csv.reader(io.StringIO(copies_client.get(f"/api/search.csv?{query}").get_data(as_text=True))))
        return [row[0] for row in rows[1:]]
    assert len(csv_ids("q=ours&collapse=false")) == len(csv_ids("q=ours")) + 2
    assert len(set(csv_ids(""))) == 11 - 3 and len(csv_ids("collapse=false")) == 11
    atom = copies_client.get("/search.atom").get_data(as_text=True)
    every = copies_client.get("/search.atom?collapse=false").get_data(as_text=True)
    assert atom.count("<entry>") == 8 and every.count("<entry>") == 11


def test_cli_all_versions(copies_location):
    collapsed = CliRunner().invoke(search_command, ["ours", "--index", copies_location])
    every = CliRunner().invoke(search_command, ["ours", "--all-versions", "--index", copies_location])
    assert collapsed.exit_code == every.exit_code == 0, collapsed.output + every.output
    assert "+ 2 autres versions" in collapsed.output and "+ 2 autres versions" in every.output
    assert collapsed.output.count("copie/") == 1 and every.output.count("copie/") >= 2
    assert "(toutes les versions)" in every.output


def test_stats_report_copies(copies_location):
    result = CliRunner().invoke(cli, ["stats", "--index", copies_location])
    assert result.exit_code == 0, result.output
    assert "copies: 2 groups, 5 articles in groups, 3 copies" in result.output
    stats = json.loads(CliRunner().invoke(cli, ["stats", "--json", "--index", copies_location]).output)["copies"]
    by_source = {row["value"]: row for row in stats["by_source"]}
    assert by_source["6Medias"]["copies"] == 1 and by_source["Orange avec AFP"]["copies"] == 1
    assert by_source["Belga"]["copies"] == 0          # it represents its story


def test_update_joins_a_new_copy_and_promotes_when_the_representative_goes(fresh_store, tmp_path):
    folder = write_archive(tmp_path / "archive", archive_records())
    options = pipeline.Options(workers=1, entities=False)
    pipeline.build([folder], fresh_store, options)
    engine = open_engine(fresh_store.location)
    assert every_hit(engine)[LONER["id"]].versions == 0
    write_archive(folder, {"new.jsonl": [_record(LONER, "copie/passe", source="Le Soir",
                                                 published="2020-07-01T08:00:00+02:00")]})
    report = pipeline.update([folder], fresh_store, options)
    assert (report.indexed, report.failed) == (1, 0)
    engine = open_engine(fresh_store.location)
    hits = every_hit(engine)
    assert hits["copie/passe"].group == hits[LONER["id"]].group and hits[LONER["id"]].versions == 1
    assert engine.article("copie/passe")["representative"] is True          # published the day before
    assert engine.article(LONER["id"])["representative"] is False
    (folder / "rep.jsonl").unlink()
    report = pipeline.update([folder], fresh_store, options)
    assert report.removed == 1
    engine = open_engine(fresh_store.location)
    assert engine.article(STORY["id"])["representative"] is True            # the earliest left
    hits = every_hit(engine)
    assert hits[STORY["id"]].group == hits["copie/exacte"].group and hits[STORY["id"]].versions == 1


def test_update_reads_no_stored_text_for_copies_it_cannot_change(fresh_store, tmp_path, monkeypatch):
    """Old teaser and article, already grouped: a new unrelated article must not make the update read them."""
    folder = write_archive(tmp_path / "archive", archive_records())
    options = pipeline.Options(workers=1, entities=False)
    pipeline.build([folder], fresh_store, options)
    read: list[str] = []
    articles = fresh_store.articles

    def recorded(ids):
        read.extend(ids)
        return articles(ids)
    monkeypatch.setattr(fresh_store, "articles", recorded)
    write_archive(folder, {"new.jsonl": [_record(REAL[25], "nouveau/seul")]})
    report = pipeline.update([folder], fresh_store, options)
    assert (report.indexed, report.failed) == (1, 0)
    assert not {SEGUR["id"], "teaser/segur"} & set(read)
    hits = every_hit(open_engine(fresh_store.location))
    assert hits["teaser/segur"].group == hits[SEGUR["id"]].group != ""
