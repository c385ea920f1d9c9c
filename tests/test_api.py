"""The JSON API, CSV and Atom exports, and the OpenAPI document checked against real answers."""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from search.analysis import fold
from web import feeds

ATOM = "{http://www.w3.org/2005/Atom}"
SPEC_URI = "urn:manchette:openapi"


@pytest.fixture(scope="module")
def spec(client):
    return client.get("/api/openapi.json").get_json()


@pytest.fixture(scope="module")
def conforms(spec):
    """conforms(document, "SearchResult"): raise unless the document matches the published schema."""
    registry = Registry().with_resource(SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012))

    def check(document, schema_name: str):
        schema = {"$ref": f"{SPEC_URI}#/components/schemas/{schema_name}"}
        Draft202012Validator(schema, registry=registry).validate(document)
        return document
    return check


@pytest.fixture(scope="module")
def everything(client):
    return client.get("/api/search?facet_size=20").get_json()


def top_value(everything, facet: str, rank: int = 0) -> str:
    return everything["facets"][facet]["values"][rank]["value"]


def search(client, query: str, status: int = 200) -> dict:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_json()


# --- /api/search ------------------------------------------------------------------

def test_search_document(client, conforms):
    document = conforms(search(client, "q=gouvernement"), "SearchResult")
    assert document["query"] == "gouvernement"
    assert document["total"] > 0 and document["hits"]
    assert any("<mark>" in hit["snippet"] for hit in document["hits"])
    assert set(document["facets"]) >= {"source", "person", "topic", "lang", "date"}


def test_empty_query_lists_everything(client, everything):
    assert everything["total"] >= 2000
    assert len(everything["hits"]) == 10


@pytest.mark.parametrize("facet, field", [("source", "source"), ("lang", "lang")])
def test_single_valued_filter(client, everything, facet, field):
    value = top_value(everything, facet)
    document = search(client, f"{facet}={value}&per_page=50")
    assert 0 < document["total"] <= everything["total"]
    assert {hit[field] for hit in document["hits"]} == {value}
    selected = [v for v in document["facets"][facet]["values"] if v["selected"]]
    assert [v["value"] for v in selected] == [value]


@pytest.mark.parametrize("facet, field", [("person", "persons"), ("topic", "topics")])
def test_multi_valued_filter(client, everything, facet, field):
    value = top_value(everything, facet)
    document = search(client, f"{facet}={value}&per_page=50")
    assert document["total"] == everything["facets"][facet]["values"][0]["count"]
    assert all(value in hit[field] for hit in document["hits"])


def test_multi_select_is_any_of(client, everything):
    first, second = top_value(everything, "source", 0), top_value(everything, "source", 1)
    one = search(client, f"source={first}")["total"]
    two = search(client, f"source={second}")["total"]
    assert search(client, f"source={first}&source={second}")["total"] == one + two


def test_date_range(client):
    document = search(client, "from=2020-07&to=2020-07&per_page=100&sort=newest")
    assert document["total"] > 0
    assert all(hit["published"][:7] in ("2020-06", "2020-07", "2020-08") for hit in document["hits"])
    dated = [hit["published"] for hit in document["hits"]]
    assert dated == sorted(dated, reverse=True)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sort_by_date(client, sort):
    dates = [hit["published"] for hit in search(client, f"q=police&sort={sort}&per_page=30")["hits"]
             if hit["published"]]
    assert dates == sorted(dates, reverse=sort == "newest")


def test_pages_do_not_overlap(client):
    first = search(client, "q=france&page=1")
    second = search(client, "q=france&page=2")
    assert second["page"] == 2
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}


def test_unknown_parameters_are_ignored(client):
    assert search(client, "q=police&utm_source=x&debug=1")["total"] == search(client, "q=police")["total"]


@pytest.mark.parametrize("query, parameter", [
    ("page=-1", "page"), ("page=abc", "page"), ("page=0", "page"), ("per_page=10000", "per_page"),
    ("per_page=0", "per_page"), ("from=31/02/2020", "from"), ("to=2020-13", "to"), ("from=hier", "from"),
    ("sort=best", "sort"), ("facet_size=-5", "facet_size"), ("comments=peut-etre", "comments"),
])
def test_bad_values_are_400_naming_the_parameter(client, conforms, query, parameter):
    document = conforms(search(client, query, status=400), "Error")
    assert document["parameter"] == parameter
    assert document["error"].startswith(parameter)


ODD_QUERIES = [
    "x" * 200_000, "\x00\x01\x02 otan \x1b[31m", "\ufffd\ufeff\u200b",
    "🦊 Zelensky ‮ العربية 中文", "e\u0301le\u0300ve", '"non fermé', "(((", "title:", "*", "?", "AND OR NOT",
    "date:", "date:31/02/2020", "source:", "-", '""', "\\", "%", "{{7*7}}", "<script>alert(1)</script>",
    "title:(a OR", "a~~~", "field:value:other", "^2", "[a TO", "'; DROP TABLE--",
]


@pytest.mark.parametrize("query", ODD_QUERIES, ids=range(len(ODD_QUERIES)))
def test_odd_queries_never_fail(client, query):
    response = client.get("/api/search", query_string={"q": query})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["total"] >= 0


def test_odd_bytes_in_the_url(client):
    for raw in ("/api/search?q=%FF%FE", "/api/search?q=%00", "/api/search?source=%C0%AF&page=%00",
                "/api/search?q=" + "%E2%80%AE" * 1000):
        assert client.get(raw).status_code in (200, 400)


# --- articles, facets, stats ----------------------------------------------------------

def test_article(client, conforms, everything):
    hit = everything["hits"][0]
    document = conforms(client.get(f"/api/articles/{hit['id']}").get_json(), "ArticlePage")
    assert document["article"]["id"] == hit["id"]
    assert document["article"]["title"] == hit["title"]
    assert all(item["id"] != hit["id"] for item in document["related"])


def test_article_highlights_the_query(client):
    hit = search(client, "q=gouvernement")["hits"][0]
    article = client.get(f"/api/articles/{hit['id']}?q=gouvernement").get_json()["article"]
    assert "<mark>" in article["body_html"] + article["title_html"]


@pytest.mark.parametrize("path", ["/api/articles/does-not-exist", "/api/articles/../../etc/passwd",
                                  "/api/articles/a%2F..%2Fb", "/api/articles/" + "a" * 500,
                                  "/api/articles/white%20space", "/api/articles/%3Cscript%3E"])
def test_unknown_or_invalid_article_is_404(client, conforms, path):
    response = client.get(path)
    assert response.status_code == 404
    conforms(response.get_json(), "Error")


def test_facet_completion(client, conforms, everything):
    person = top_value(everything, "person")
    prefix = person[:3].lower()
    document = conforms(client.get(f"/api/facets/person?prefix={prefix}").get_json(), "Completions")
    assert person in [v["value"] for v in document["values"]]
    assert all(fold(v["value"]).startswith(fold(prefix)) or f" {fold(prefix)}" in fold(v["value"])
               for v in document["values"])


def test_facet_completion_errors(client):
    assert client.get("/api/facets/colour?prefix=a").status_code == 404
    for bad in ("0", "", "x"):
        response = client.get(f"/api/facets/source?n={bad}")
        assert response.status_code == 400 and response.get_json()["parameter"] == "n"
    assert client.get("/api/facets/source?prefix=" + "\x00" * 50).status_code == 200


def test_stats(client, conforms):
    document = conforms(client.get("/api/stats").get_json(), "Overview")
    assert document["stats"]["articles"] >= 2000


# --- CSV and Atom ---------------------------------------------------------------------------

def read_csv(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_exports_every_match_with_filters(client, everything):
    source = top_value(everything, "source", 1)
    expected = search(client, f"q=le&source={source}")["total"]
    response = client.get(f"/api/search.csv?q=le&source={source}&page=3&per_page=5")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    rows = read_csv(response)
    assert len(rows) == expected > 100   # several engine pages, page/per_page ignored
    assert list(rows[0]) == list(feeds.CSV_COLUMNS)
    assert {row["source"] for row in rows} == {source}
    assert len({row["id"] for row in rows}) == len(rows)


def test_csv_is_capped(client, monkeypatch):
    monkeypatch.setattr(feeds, "CSV_CAP", 7)
    assert len(read_csv(client.get("/api/search.csv"))) == 7


def test_csv_bad_parameter_is_400(client):
    response = client.get("/api/search.csv?from=nope")
    assert response.status_code == 400 and response.get_json()["parameter"] == "from"


def test_atom_feed_newest_first(client):
    response = client.get("/search.atom?q=police&sort=relevance")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert 0 < len(entries) <= feeds.FEED_SIZE
    published = [e.findtext(f"{ATOM}published") for e in entries if e.find(f"{ATOM}published") is not None]
    assert published == sorted(published, reverse=True)
    assert "police" in feed.findtext(f"{ATOM}title")
    link = entries[0].find(f"{ATOM}link[@rel='alternate']").get("href")
    assert "/articles/" in link and link.startswith("http")


def test_atom_survives_control_characters(client):
    response = client.get("/search.atom", query_string={"q": "otan\x01\x0b<&>"})
    assert response.status_code == 200
    ET.fromstring(response.data)  # well-formed despite characters XML forbids


# --- articles without a title ---------------------------------------------------------------------

def test_untitled_hits_carry_a_display_title(untitled_client, conforms):
    document = conforms(untitled_client.get("/api/search?per_page=100&collapse=false").get_json(), "SearchResult")
    hits = {hit["id"]: hit for hit in document["hits"]}
    assert all(hit["display_title"] for hit in hits.values())
    slug = hits["sans-titre/adresse"]
    assert (slug["title"], slug["display_title"], slug["title_source"]) == (
        "", "Déclaration d'intérêts Delevoye entendu mercredi en audition libre", "url")
    dateline = hits["sans-titre/depeche"]
    assert dateline["title"] == "" and dateline["title_source"] == "text"
    assert dateline["display_title"].startswith("Le Congrès américain a adopté jeudi")
    assert hits["titled"]["display_title"] == hits["titled"]["title"] and hits["titled"]["title_source"] == "record"


def test_untitled_article_document(untitled_client, conforms):
    document = conforms(untitled_client.get("/api/articles/sans-titre/depeche?q=loi").get_json(), "ArticlePage")
    article = document["article"]
    assert article["title"] == "" and article["title_source"] == "text"
    assert article["display_title"].startswith("Le Congrès américain a adopté jeudi une loi")
    assert article["display_title"].endswith("…") and len(article["display_title"]) <= 110
    assert "<mark>loi</mark>" in article["title_html"]
    related = {item["id"]: item for item in document["related"]}
    assert related["titled"]["display_title"] == related["titled"]["title"] != ""


def test_csv_has_the_display_title_beside_the_title(untitled_client):
    rows = {row["id"]: row for row in read_csv(untitled_client.get("/api/search.csv?collapse=false"))}
    assert list(next(iter(rows.values())))[1:3] == ["title", "display_title"]
    assert rows["sans-titre/phrase"]["title"] == ""
    assert rows["sans-titre/phrase"]["display_title"] == "Ils ont de 4 à 9 enfants et voient tout en grand"
    assert rows["titled"]["title"] == rows["titled"]["display_title"] != ""


def test_atom_entries_always_have_a_title(untitled_client):
    feed = ET.fromstring(untitled_client.get("/search.atom?collapse=false").data)
    titles = {entry.findtext(f"{ATOM}id").rsplit("/articles/", 1)[1]: entry.findtext(f"{ATOM}title")
              for entry in feed.findall(f"{ATOM}entry")}
    assert len(titles) == 8 and all(titles.values())
    assert titles["sans-titre/adresse-id"].startswith("L'État va mobiliser en 2020")


# --- OpenAPI ------------------------------------------------------------------------------------

def test_openapi_document_is_valid(spec):
    validate_spec(spec)


def test_openapi_describes_every_route(app, spec):
    documented = {path.replace("{id}", "<path:article_id>").replace("{name}", "<name>") for path in spec["paths"]}
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes == documented


def test_openapi_parameters_are_the_ones_the_api_reads(spec):
    search_parameters = {p["$ref"].rsplit("/", 1)[-1] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert search_parameters == {"q", "source", "person", "topic", "lang", "from", "to", "sort", "page",
                                 "per_page", "facet_size", "variants", "comments", "agency", "collapse"}


def test_json_headers(client):
    response = client.get("/api/search?q=otan")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
