"""The HTML pages through Flask's test client: every route, parameter and failure."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import waitress
from click.testing import CliRunner
from flask import Flask

from indexer import pipeline
from search.store import open_store
from web import create_app
from web.cli import serve


@pytest.fixture(scope="module")
def everything(client):
    return client.get("/api/search?facet_size=20").get_json()


class Page(HTMLParser):
    """The parts of a page the tests look at: links, form controls, labels, landmarks."""

    def __init__(self, html: str):
        super().__init__()
        self.html = html
        self.links: list[dict] = []
        self.inputs: list[dict] = []
        self.labels: set[str] = set()
        self.tags: set[str] = set()
        self._link: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if tag == "a" and "href" in attributes:
            self._link = {**attributes, "text": ""}
            self.links.append(self._link)
        elif tag in ("input", "select") and attributes.get("type") != "hidden":
            self.inputs.append(attributes)
        elif tag == "label" and "for" in attributes:
            self.labels.add(attributes["for"])

    def handle_endtag(self, tag):
        if tag == "a":
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data

    def text(self) -> str:
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", self.html))

    def hrefs(self, contains: str = "") -> list[str]:
        return [link["href"] for link in self.links if contains in link["href"]]

    def link_by_class(self, css_class: str) -> list[dict]:
        return [link for link in self.links if css_class in link.get("class", "").split()]


def get_page(client, url: str, status: int = 200) -> Page:
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:800])
    assert response.mimetype == "text/html"
    return Page(response.get_data(as_text=True))


def params(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def json_twin(page: Page) -> str:
    match = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)"', page.html)
    assert match, "no JSON twin"
    href = match.group(1).replace("&amp;", "&")
    assert any(link["href"].replace("&amp;", "&") == href for link in page.links), "JSON twin not linked visibly"
    return href


def assert_accessible(page: Page) -> None:
    assert '<html lang="fr">' in page.html
    assert {"header", "nav", "main", "footer"} <= page.tags
    for control in page.inputs:
        labelled = control.get("id") in page.labels or control.get("aria-label")
        assert labelled, f"control without a label: {control}"


# --- home --------------------------------------------------------------------------------

def test_home_overview(client, everything):
    page = get_page(client, "/")
    assert_accessible(page)
    text = page.text()
    assert re.search(r"\d[\d\u202f]* articles", text)
    person = everything["facets"]["person"]["values"][0]["value"]
    assert any(params(href).get("person") == [person] for href in page.hrefs("/search?"))
    assert page.hrefs("/search?source=") and page.hrefs("/search?topic=")
    assert client.get(json_twin(page)).status_code == 200
    assert 'role="search"' in page.html and 'name="q"' in page.html


# --- result page ---------------------------------------------------------------------------

def test_results_page(client):
    page = get_page(client, "/search?q=gouvernement")
    assert_accessible(page)
    assert "<aside" in page.html and "<mark>" in page.html
    article_links = page.hrefs("/articles/")
    assert len(article_links) >= 10
    assert all(params(href)["q"] == ["gouvernement"] for href in article_links)
    twin = json_twin(page)
    assert twin.startswith("/api/search?") and params(twin)["q"] == ["gouvernement"]
    assert client.get(twin).get_json()["query"] == "gouvernement"
    assert page.hrefs("/api/search.csv?q=gouvernement") and page.hrefs("/search.atom?q=gouvernement")


def test_facet_checkboxes_and_chip(client, everything):
    source = everything["facets"]["source"]["values"][0]["value"]
    page = get_page(client, f"/search?q=le&source={source}")
    checked = [i for i in page.inputs if i.get("name") == "source" and "checked" in i]
    assert [i["value"] for i in checked] == [source]
    assert all(i.get("form") == "search" for i in page.inputs if i.get("type") == "checkbox")
    chips = page.link_by_class("chip")
    assert len(chips) == 1 and source in chips[0]["text"]
    assert params(chips[0]["href"]) == {"q": ["le"]}


def test_selected_value_outside_the_top_stays_ticked(client):
    page = get_page(client, "/search?person=Quelqu%27un+Inconnu")
    ticked = [i["value"] for i in page.inputs if i.get("name") == "person" and "checked" in i]
    assert ticked == ["Quelqu'un Inconnu"]


def test_tag_links_add_a_filter(client):
    page = get_page(client, "/search?q=gouvernement")
    person_links = [link for link in page.links if "person=" in link["href"] and "tag" in link.get("class", "")]
    assert person_links
    query = params(person_links[0]["href"])
    assert query["q"] == ["gouvernement"] and query["person"]


def test_show_more_raises_facet_size(client, everything):
    assert everything["facets"]["person"]["total_values"] > 20
    page = get_page(client, "/search")
    more = [link for link in page.link_by_class("more") if link["href"].endswith("#facet-person")]
    assert more
    size = int(params(more[0]["href"])["facet_size"][0])
    assert size > 10
    bigger = get_page(client, more[0]["href"])
    assert len([i for i in bigger.inputs if i.get("name") == "person" and i.get("type") == "checkbox"]) > 10
    assert f'name="facet_size" value="{size}"' in bigger.html  # kept by the next form submission


def test_autocomplete_inputs(client):
    page = get_page(client, "/search?q=police")
    for name in ("person", "source"):
        box = next(i for i in page.inputs if i.get("id") == f"ac-{name}")
        assert box["name"] == name and box["list"] == f"dl-{name}" and box["data-complete-url"] == f"/api/facets/{name}"
        assert f'<datalist id="dl-{name}">' in page.html


def test_histogram_bars_link_to_their_period(client):
    page = get_page(client, "/search?q=police")
    assert "<svg" in page.html
    bars = page.link_by_class("bar")
    assert len(bars) > 3
    query = params(bars[0]["href"])
    assert query["from"] == query["to"] and query["q"] == ["police"]
    narrowed = get_page(client, bars[0]["href"])
    chips = narrowed.link_by_class("chip")
    assert any(chip["text"].startswith("dates") for chip in chips)
    assert "from" not in params(chips[-1]["href"])
    assert client.get(bars[0]["href"].replace("/search", "/api/search")).get_json()["total"] > 0


def test_from_to_inputs_are_prefilled(client):
    page = get_page(client, "/search?from=2020-01&to=2020-06")
    values = {i["id"]: i.get("value") for i in page.inputs if i.get("id") in ("from", "to")}
    assert values == {"from": "2020-01", "to": "2020-06"}
    assert "du 1er janvier 2020 au 30 juin 2020" in page.text()


def test_sort_select(client):
    page = get_page(client, "/search?q=police&sort=newest")
    assert re.search(r'<option value="newest" selected>', page.html)
    assert 'name="sort" form="search"' in page.html


def test_pagination(client):
    first = get_page(client, "/search?q=france")
    following = [link for link in first.links if link.get("rel") == "next"]
    assert following and params(following[0]["href"])["page"] == ["2"]
    second = get_page(client, following[0]["href"])
    assert 'aria-current="page"' in second.html and [l for l in second.links if l.get("rel") == "prev"]
    assert set(first.hrefs("/articles/")).isdisjoint(second.hrefs("/articles/"))


def test_page_beyond_the_results(client):
    page = get_page(client, "/search?q=otan&page=500")
    assert "au-delà des résultats" in page.text()


def test_did_you_mean(client):
    document = client.get("/api/search?q=gouvernemant").get_json()
    assert document["suggestion"], "the engine should correct a one-letter typo"
    page = get_page(client, "/search?q=gouvernemant")
    assert "Vouliez-vous dire" in page.text()
    assert any(params(href).get("q") == [document["suggestion"]] for href in page.hrefs("/search?"))


def test_empty_state_names_the_filter_to_remove(client, everything):
    source = everything["facets"]["source"]["values"][0]["value"]
    without = client.get("/api/search?q=Grinkevich").get_json()["total"]   # only in a seed article
    assert without > 0 and client.get(f"/api/search?q=Grinkevich&source={source}").get_json()["total"] == 0
    page = get_page(client, f"/search?q=Grinkevich&source={source}")
    assert f"Aucun résultat. Retirez le filtre « source : {source} » ({without} résultat" in page.text()


def test_empty_state_drops_a_whole_facet(client, everything):
    first, second = (v["value"] for v in everything["facets"]["source"]["values"][:2])
    page = get_page(client, f"/search?q=Grinkevich&source={first}&source={second}&from=2010")
    text = page.text()
    assert f"Retirez le filtre « source : {first}, {second} » (1 résultat sans lui)" in text
    assert "« dates : depuis le 1er janvier 2010 »" not in text   # removing it alone finds nothing
    advice = next(link["href"] for link in page.links if link["text"].startswith("« source"))
    assert params(advice) == {"q": ["Grinkevich"], "from": ["2010"]}


def test_reversed_dates_explain_and_offer_to_drop_them(client):
    page = get_page(client, "/search?q=police&from=2021&to=2019")
    text = page.text()
    assert "La date de début est postérieure à la date de fin" in text
    assert "Retirez le filtre « dates" in text


def test_empty_state_without_filters(client):
    page = get_page(client, "/search?q=zzzqqqxxyyy")
    assert "Aucun résultat" in page.text()


@pytest.mark.parametrize("query, words", [
    ("page=-1", "numéro de page"), ("from=31/02/2020", "date de début"), ("per_page=10000", "par page"),
    ("to=demain", "date de fin"), ("per_page=", "par page"), ("sort=pif", "tri"),
])
def test_bad_values_get_a_french_page(client, query, words):
    page = get_page(client, f"/search?q=otan&{query}", status=400)
    assert words in page.text()
    assert "Traceback" not in page.html
    relaunch = next(link["href"] for link in page.links if link["text"].startswith("Relancer"))
    assert query.split("=")[0] not in params(relaunch) and params(relaunch)["q"] == ["otan"]


def test_unknown_parameters_are_ignored(client):
    get_page(client, "/search?q=otan&foo=bar&utm_campaign=x")


@pytest.mark.parametrize("query", ["x" * 100_000, "\x00\x07 otan \x1f", "🦊‮ العربية", '"(', "title:", "*:*",
                                   "<script>alert(1)</script>", "%00", "date:2020-02-31"])
def test_odd_queries_render(client, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.get_data(as_text=True)


# --- article page ------------------------------------------------------------------------------

def test_article_page(client):
    hit = client.get("/api/search?q=gouvernement&per_page=1").get_json()["hits"][0]
    page = get_page(client, f"/articles/{hit['id']}?q=gouvernement")
    assert_accessible(page)
    assert "<mark>" in page.html
    assert "<aside" in page.html
    for person in hit["persons"]:
        assert any(params(href).get("person") == [person] for href in page.hrefs("/search?"))
    for topic in hit["topics"]:
        assert any(params(href).get("topic") == [topic] for href in page.hrefs("/search?"))
    twin = json_twin(page)
    assert client.get(twin).get_json()["article"]["id"] == hit["id"]
    related = [href for href in page.hrefs("/articles/") if hit["id"] not in href]
    assert related


def test_reader_comments_are_folded(seed_index):
    client = create_app({"INDEX": seed_index, "TESTING": True}).test_client()
    page = get_page(client, "/articles/001_e9895f9757e1857e?q=otan")
    assert re.search(r'<details class="comments">\s*<summary>Commentaires des lecteurs \(7\)</summary>', page.html)
    assert "Mercredi 20 août" in page.text()   # no year printed: the date stays as printed


@pytest.mark.parametrize("path", ["/articles/nope", "/articles/../../etc/passwd", "/articles/a/../b",
                                  "/articles/" + "x" * 300, "/articles/a%20b", "/articles/%3Cscript%3E",
                                  "/articles/a%00b", "/articles/./a"])
def test_bad_article_ids_are_404(client, path):
    page = get_page(client, path, status=404)
    assert "introuvable" in page.text()


# --- articles without a title -------------------------------------------------------------------

def test_every_hit_links_to_its_article_under_a_title(untitled_client):
    page = get_page(untitled_client, "/search?per_page=100")
    titles = {link["href"].split("/articles/", 1)[1]: link["text"].strip() for link in page.links
              if link["href"].startswith("/articles/")}
    assert len(titles) == 8 and all(titles.values())
    assert titles["sans-titre/adresse"] == "Déclaration d'intérêts Delevoye entendu mercredi en audition libre"
    assert titles["sans-titre/depeche"].startswith("Le Congrès américain a adopté jeudi")
    # a derived title is set apart, and says where it comes from; a record's title is not
    assert page.html.count('class="derived-title"') == 6
    assert 'title="Article sans titre : titre tiré de son adresse">Déclaration' in page.html


def test_untitled_article_page(untitled_client):
    page = get_page(untitled_client, "/articles/sans-titre/depeche?q=congrès")
    heading = re.search(r'<h1 id="article-title">(.*?)</h1>', page.html, re.S).group(1)
    assert '<span class="derived-title"' in heading and "<mark>Congrès</mark> américain a adopté" in heading
    assert "PARIS (AFP)" not in heading
    assert re.search(r"<title>Le Congrès américain a adopté jeudi .*…", page.html)


def test_markup_in_a_derived_title_is_shown_as_text(untitled_client):
    for url in ("/search?q=macron", "/articles/sans-titre/balises"):
        html = get_page(untitled_client, url).html
        assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;titre&#39;)&lt;/script&gt;" in html


# --- built on purpose: hostile text, rebuilds, no index ------------------------------------------

def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def build(records: list[dict], folder: Path, index_dir: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    source = write_jsonl(folder / "articles.jsonl", records)
    report = pipeline.build([source], open_store(index_dir), pipeline.Options(workers=1, entities=False))
    assert report.indexed == len(records)


HOSTILE = {
    "id": "hostile/1", "source": "<b>Source</b>", "published": "2021-03-04T10:00:00+01:00",
    "title": "<script>alert('titre')</script> Réforme",
    "text": "Le texte <script>alert('corps')</script> parle de réforme.\n\n<img src=x onerror=alert(1)> fin.",
    "url": "javascript:alert(1)",
}


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    build([HOSTILE, {**HOSTILE, "id": "hostile/2", "title": "Autre réforme"}], root / "in", root / "index")
    return create_app({"INDEX": root / "index", "TESTING": True}).test_client()


@pytest.mark.parametrize("url", ["/articles/hostile/1?q=réforme", "/search?q=réforme", "/search?q=script"])
def test_markup_in_articles_is_shown_as_text(hostile_client, url):
    html = get_page(hostile_client, url).html
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Source</b>" not in html
    assert "&lt;script&gt;" in html


def test_javascript_urls_are_not_links(hostile_client):
    html = get_page(hostile_client, "/articles/hostile/1").html
    assert 'href="javascript:' not in html


def test_content_security_policy(hostile_client):
    response = hostile_client.get("/articles/hostile/1")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_ids_with_spaces_and_accents_are_served(tmp_path):
    build([{"id": "article été 1", "title": "Un article d’été", "text": "Il fait chaud à Lyon cet été."}],
          tmp_path / "in", tmp_path / "index")
    client = create_app({"INDEX": tmp_path / "index", "TESTING": True}).test_client()
    page = get_page(client, "/articles/article%20%C3%A9t%C3%A9%201")
    assert "Un article d’été" in page.text()


def test_no_index_is_a_friendly_503(tmp_path):
    client = create_app({"INDEX": tmp_path / "nothing", "TESTING": True}).test_client()
    page = get_page(client, "/", status=503)
    assert "manchette index" in page.text()
    response = client.get("/api/search?q=x")
    assert response.status_code == 503 and "manchette index" in response.get_json()["error"]


def test_index_built_after_start_then_rebuilt_is_picked_up(tmp_path):
    index_dir = tmp_path / "index"
    client = create_app({"INDEX": index_dir, "TESTING": True}).test_client()
    assert client.get("/api/search?q=alpaga").status_code == 503
    article = {"id": "a1", "title": "Un alpaga au zoo", "text": "L'alpaga du zoo de Lyon se porte bien.",
               "source": "Lyon Info", "published": "2021-01-01T10:00:00+01:00"}
    build([article], tmp_path / "one", index_dir)
    assert client.get("/api/search?q=alpaga").get_json()["total"] == 1
    build([{**article, "id": "b1", "title": "Un bison au parc", "text": "Le bison du parc de Lyon va bien."}],
          tmp_path / "two", index_dir)
    assert client.get("/api/search?q=alpaga").get_json()["total"] == 0
    assert client.get("/api/search?q=bison").get_json()["total"] == 1
    assert get_page(client, "/articles/b1").html.count("bison") >= 2
    get_page(client, "/articles/a1", status=404)


def test_unexpected_errors_are_a_clean_500(app, monkeypatch):
    client = app.test_client()
    client.get("/api/search")  # opens the engine

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(app.extensions["manchette.engine"], "search", broken)
    page = get_page(client, "/search?q=otan", status=500)
    assert "boom" not in page.html and "Traceback" not in page.html
    response = client.get("/api/search?q=otan")
    assert response.status_code == 500 and response.get_json() == {"error": "internal error", "parameter": None}


def test_unknown_route_is_404_in_both_formats(client):
    assert get_page(client, "/nulle-part", status=404)
    response = client.get("/api/nulle-part")
    assert response.status_code == 404 and "error" in response.get_json()


def test_static_assets(client):
    css = client.get("/static/style.css")
    assert css.status_code == 200 and b":focus-visible" in css.data
    assert client.get("/static/app.js").status_code == 200


# --- manchette serve ----------------------------------------------------------------------------

def test_serve_runs_waitress(monkeypatch, corpus_index):
    calls = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **options: calls.update(app=app, **options))
    result = CliRunner().invoke(serve, ["--index", str(corpus_index), "--port", "8123", "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert (calls["host"], calls["port"], calls["threads"]) == ("127.0.0.1", 8123, 3)
    assert calls["app"].config["INDEX"] == str(corpus_index)


def test_serve_debug_uses_the_development_server(monkeypatch, tmp_path):
    calls = {}
    monkeypatch.setattr(Flask, "run", lambda app, **options: calls.update(options))
    monkeypatch.setattr(waitress, "serve", lambda *a, **k: pytest.fail("waitress with --debug"))
    result = CliRunner().invoke(serve, ["--index", str(tmp_path), "--debug", "--host", "127.0.0.2"])
    assert result.exit_code == 0, result.output
    assert calls == {"host": "127.0.0.2", "port": 8000, "debug": True}
    assert "no index" in result.output
