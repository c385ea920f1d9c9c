"""What a result set talks about: key terms against the archive, co-occurring values, the panel."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from search.analysis import STOP_WORDS, fold
from search.request import SearchRequest
from search.terms import MIN_ARTICLES, SAMPLE, g2, key_terms


def test_g2_is_zero_for_equal_rates_and_grows_with_the_gap():
    assert g2(10, 100, 100, 1000) == pytest.approx(0, abs=1e-9)
    assert 0 < g2(20, 100, 100, 1000) < g2(40, 100, 100, 1000)
    # Dunning's worked value for a 2x2 table (k11=110, k12=2442, k21=111, k22=29114).
    assert g2(110, 110 + 2442, 111, 111 + 29114) == pytest.approx(270.72, abs=0.01)


@pytest.mark.parametrize("query, expected", [
    ("Trump", {"Donald", "Maison Blanche", "Biden", "Joe Biden", "démocrate", "Washington"}),
    ("confinement", {"coronavirus", "Covid", "déconfinement", "pandémie", "restrictions"}),
    ("coronavirus", {"pandémie", "Covid", "décès", "morts", "confinement"}),
])
def test_a_subject_brings_up_what_a_reader_expects(corpus_engine, query, expected):
    profile = key_terms(corpus_engine, SearchRequest(query=query))
    found = [t.term for t in profile.terms]
    assert len(set(found) & expected) >= 3, found
    assert not {fold(t) for t in found} & (STOP_WORDS | {fold(query)}), found
    assert all(t.count >= MIN_ARTICLES for t in profile.terms)
    assert [t.score for t in profile.terms] == sorted((t.score for t in profile.terms), reverse=True)


def test_the_sample_is_stated_above_the_bound(corpus_engine):
    big = key_terms(corpus_engine, SearchRequest(query="coronavirus"))
    assert big.matches > SAMPLE and big.sample == {"size": SAMPLE, "matches": big.matches, "order": "relevance"}
    small = key_terms(corpus_engine, SearchRequest(query="retraites"))
    assert 0 < small.matches <= SAMPLE and small.sample is None
    assert "réforme" in [t.term for t in small.terms]
    assert all(t.count <= small.matches for t in small.terms)


def test_api_document_and_its_values_narrow_the_search(client):
    document = client.get("/api/terms?q=retraites").get_json()
    assert set(document) == {"terms", "persons", "sources", "topics", "matches", "sample"}
    assert document["terms"] and set(document["terms"][0]) == {"term", "count", "score", "kind"}
    source = document["sources"][0]["value"]
    narrowed = client.get("/api/terms", query_string={"q": "retraites", "source": source}).get_json()
    assert narrowed["matches"] == document["sources"][0]["count"]
    assert source not in [v["value"] for v in narrowed["sources"]]
    response = client.get("/api/terms?q=retraites&from=2020-13")
    assert response.status_code == 400 and response.get_json()["parameter"] == "from"


def test_results_page_panel_links(client):
    html = client.get("/search?q=retraites").get_data(as_text=True)
    panel = html[html.index('class="profile"'):html.index("</details>")]
    links = [a.replace("&amp;", "&") for a in re.findall(r'href="([^"]+)"', panel)]
    queries = [parse_qs(urlsplit(a).query) for a in links if a.startswith("/search?")]
    assert any(q["q"][0].startswith("retraites ") and len(q["q"][0]) > len("retraites ") for q in queries)
    assert any("person" in q and q["q"] == ["retraites"] for q in queries)
    assert "Ce que disent ces articles" in html
    assert 'class="profile"' not in client.get("/search?q=retraites&page=2").get_data(as_text=True)
