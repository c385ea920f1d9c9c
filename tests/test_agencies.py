"""Agency attribution (issue #12): credits found at index time, the agency facet and the agence: field.

Real corpus articles given the credit lines outlets print; engine tests run on
Whoosh and SolrCloud.
"""
from __future__ import annotations

import json
import uuid

import pytest

from conftest import build_index, corpus_lines, solr_location
from indexer.enrich.agencies import agencies_of
from search.agencies import agency_key
from search.document import Article
from search.engine import open_engine
from search.request import SearchRequest
from web import create_app

REAL = [json.loads(line) for line in corpus_lines(60)]


def credited() -> list[dict]:
    """id -> a real article with a credit, and the agencies it must carry."""
    def record(number: int, ident: str, source: str | None, text: str) -> dict:
        return {**REAL[number], "id": ident, "source": source, "text": text}
    return [
        record(0, "dateline", "Le Soir", "Bruxelles (Belga) - " + REAL[0]["text"]),
        record(7, "copyright", "Le Point", REAL[7]["text"] + "\n\n© 2019 AFP"),
        record(14, "masthead", "Orange avec AFP-Services", REAL[14]["text"]),
        record(49, "signature", None, REAL[49]["text"] + "\n\nKeystone-ATS"),
        record(53, "quoted", "Le Monde", REAL[53]["text"] + " Le ministre a déclaré à l'AFP qu'il resterait."),
        record(56, "two", "La Libre", "Paris (AFP/Reuters) - " + REAL[56]["text"]),
        record(23, "canadian", "Le Devoir", "Montréal (La Presse canadienne) — " + REAL[23]["text"]),
    ]


EXPECTED = {"dateline": ["Belga"], "copyright": ["AFP"], "masthead": ["AFP"], "signature": ["ATS"], "quoted": [],
            "two": ["AFP", "Reuters"], "canadian": ["La Presse canadienne"]}


@pytest.fixture(scope="module")
def agencies_location(request, engine_kind, tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("agencies")
    archive = root / "credited.jsonl"
    archive.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in credited()), "utf-8")
    location = str(root / "index") if engine_kind == "whoosh" else solr_location(request, f"agencies{uuid.uuid4().hex[:8]}")
    assert build_index([archive], location, workers=1, entities=False).failed == 0
    return location


@pytest.fixture(scope="module")
def agencies_engine(agencies_location):
    return open_engine(agencies_location)


SPELLINGS = ["AFP", "AFP-Services", "Agence France-Presse", "Agence France Presse", "Keystone-ATS", "ATS", "Belga",
             "Reuters", "AP", "Associated Press", "La Presse canadienne", "La Presse Canadienne", "ANSA", "DPA",
             "dpa", "EFE"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_is_credited_in_the_text(spelling):
    """In a dateline, a copyright and a last line, with no source or byline to give it away."""
    body = next(r["text"] for r in REAL if not any(s.split()[0] in r["text"] for s in SPELLINGS))   # names none
    for text in (f"Paris ({spelling}) - {body}", f"{body}\n\n© 2024 {spelling}", f"{body}\n\n{spelling}"):
        assert agencies_of(Article(id="x", title="t", body=text)) == [agency_key(spelling)], text[-60:]
    assert agencies_of(Article(id="x", title="t", body=body)) == []


def test_credits_give_agencies_quotes_do_not(agencies_engine):
    hits = agencies_engine.search(SearchRequest(per_page=100)).hits
    assert {hit.id: hit.agencies for hit in hits} == EXPECTED
    assert agencies_engine.article("two")["agencies"] == ["AFP", "Reuters"]


def test_agency_facet_is_multi_select(agencies_engine):
    facet = agencies_engine.search(SearchRequest()).facets["agency"]
    assert {v.value: v.count for v in facet.values} == {"AFP": 3, "Belga": 1, "ATS": 1, "Reuters": 1,
                                                        "La Presse canadienne": 1}
    both = agencies_engine.search(SearchRequest(agencies=["AFP", "belga"], per_page=100))
    assert sorted(h.id for h in both.hits) == ["copyright", "dateline", "masthead", "two"]
    # The facet's own filter is left out of its counts; other facets count the filtered articles.
    assert {v.value: (v.count, v.selected) for v in both.facets["agency"].values}["Reuters"] == (1, False)
    assert {v.value for v in both.facets["agency"].values if v.selected} == {"AFP", "Belga"}
    assert sum(v.count for v in both.facets["source"].values) == 4
    assert agencies_engine.search(SearchRequest(agencies=["Keystone-ATS"])).total == 1   # another name of ATS


@pytest.mark.parametrize("query, found", [("agence:Belga", {"dateline"}), ("agency:reuters", {"two"}),
                                          ('agence:"La Presse canadienne"', {"canadian"}),
                                          ("agence:AFP -agence:Reuters", {"copyright", "masthead"})])
def test_agency_query_field(agencies_engine, query, found):
    assert {h.id for h in agencies_engine.search(SearchRequest(query=query, per_page=100)).hits} == found


def test_page_lists_the_agency_facet(agencies_location):
    client = create_app({"INDEX": agencies_location, "TESTING": True}).test_client()
    html = client.get("/search?agency=Belga").get_data(as_text=True)
    assert "<legend>Agence</legend>" in html and 'name="agency" value="Belga"' in html
    assert "agence : Belga" in html                                     # the removable chip
    assert client.get("/api/search?agency=AFP").get_json()["total"] == 3
    assert [v["value"] for v in client.get("/api/facets/agency?prefix=bel").get_json()["values"]] == ["Belga"]
