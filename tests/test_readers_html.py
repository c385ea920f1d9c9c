"""Saved web pages: real OrangeSum pages against their careful records, and the hard cases."""
from __future__ import annotations

import gzip
import json
import re
import shutil
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import CORPUS as RECORDS, sample_pages
from indexer.readers import read_paths
from indexer.readers.base import Problem
from search.document import Article

SUBSET = 30

TEXT = ("<p>Le conseil municipal de Villeurbanne a adopté mardi soir, après un long débat, le nouveau "
        "plan de circulation du centre-ville, qui réduit la place de la voiture.</p>"
        "<p>Les pistes cyclables seront élargies le long des grandes avenues dès le printemps, "
        "a précisé l'adjoint chargé des mobilités devant une salle comble.</p>"
        "<p>L'opposition dénonce un projet mené trop vite et réclame une consultation des commerçants, "
        "inquiets pour leur chiffre d'affaires pendant les travaux.</p>")


def load_records(ids: set[str]) -> dict[str, dict]:
    prefixes = tuple(f'{{"id": "{i}",' for i in ids)
    with gzip.open(RECORDS, "rt", encoding="utf-8") as lines:
        found = (json.loads(line) for line in lines if line.startswith(prefixes))
        return {record["id"]: record for record in found}


def token_f1(found: str, expected: str) -> float:
    ours, theirs = (Counter(re.findall(r"\w+", text.lower())) for text in (found, expected))
    common = sum((ours & theirs).values())
    return 2 * common / (sum(ours.values()) + sum(theirs.values())) if common else 0.0


def read_one(path: Path) -> Article | Problem:
    (item,) = read_paths([path])
    return item


def page(body: str, head: str = "", lang: str = "fr") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[Path]:
    return sample_pages(tmp_path_factory.mktemp("orangesum"), SUBSET)


@pytest.fixture(scope="module")
def records(pages) -> dict[str, dict]:
    return load_records({p.stem for p in pages})


@pytest.fixture(scope="module")
def articles(pages) -> list:
    return list(read_paths([pages[0].parent]))


def test_every_sample_page_is_an_article_with_its_id_and_origin(articles, pages):
    assert [type(a) for a in articles] == [Article] * SUBSET
    by_id = {a.id: a for a in articles}
    assert set(by_id) == {p.stem for p in pages}
    assert all(by_id[p.stem].origin == str(p.resolve()) for p in pages)


def test_fields_agree_with_the_records(articles, records):
    for article in articles:
        record = records[article.id]
        assert article.published == datetime.fromisoformat(record["published"]).astimezone(timezone.utc)
        assert article.published.tzinfo == timezone.utc
        assert article.url == record["url"] and article.lang == "fr"
        assert article.title == record["title"]
        if record["source"]:
            assert article.source == record["source"].strip()
        else:
            assert article.source == record["extra"]["site_name"]   # no publisher: the site name
        assert article.section == record["extra"].get("article_section", article.section)
        assert article.tags == record["extra"].get("tags", [])
        assert article.comments == "" and article.comment_count == 0


def test_body_is_the_article_text_without_byline_or_page_furniture(articles, records):
    scores = [token_f1(a.body, records[a.id]["text"]) for a in articles]
    assert sum(scores) / len(scores) > 0.97 and min(scores) > 0.8
    for article in articles:
        lead = records[article.id]["text"].split("\n\n")[0]
        assert article.body.startswith(lead[:60])           # the byline "AFP, publié le ..." is gone
        assert "A lire aussi" not in article.body and "utag" not in article.body


def test_author_is_kept_only_when_it_is_not_the_publisher(articles):
    (covid,) = [a for a in articles if a.id == "orangesum-1007"]
    assert covid.source == "AFP" and covid.author is None   # the page names AFP as author too
    assert covid.tags == ["épidémie", "santé", "virus", "Chine"] and covid.section == "Sante"


def test_gzipped_page_reads_like_the_plain_one(tmp_path, pages, articles):
    plain = next(a for a in articles if a.id == pages[1].stem)
    packed = tmp_path / "archive" / f"{pages[1].name}.gz"
    packed.parent.mkdir()
    packed.write_bytes(gzip.compress(pages[1].read_bytes()))
    article = read_one(tmp_path / "archive")
    assert (article.id, article.title, article.body, article.published) == (
        plain.id, plain.title, plain.body, plain.published)


def test_a_page_saved_complete_is_read_without_its_asset_folder(tmp_path, pages):
    """Browsers save page.html with page_files/ (images, scripts, ad frames): one skip, not one per file."""
    shutil.copy(pages[0], tmp_path / "Article.html")
    assets = tmp_path / "Article_files"
    assets.mkdir()
    (assets / "pub.html").write_text(page("<div>Publicité</div>"))
    (assets / "style.css").write_text("body { margin: 0 }")
    notes = tmp_path / "notes_files"   # no page beside it: an ordinary folder
    notes.mkdir()
    (notes / "depeche.txt").write_text("Le plan vélo adopté\n\n" + re.sub("<[^>]+>", "\n\n", TEXT))
    items = list(read_paths([tmp_path]))
    assert sorted(i.id for i in items if isinstance(i, Article)) == ["Article", "notes_files/depeche"]
    (skip,) = [i for i in items if isinstance(i, Problem)]
    assert skip.skipped and skip.location == str(assets) and "not read" in skip.reason


def test_page_without_a_date_is_read_without_one(tmp_path):
    (tmp_path / "sans-date.html").write_text(
        page(f"<article><h1>Le plan vélo adopté</h1>{TEXT}</article>", "<title>Le plan vélo adopté</title>"))
    article = read_one(tmp_path / "sans-date.html")
    assert isinstance(article, Article)
    assert article.published is None and article.title == "Le plan vélo adopté"
    assert article.body.startswith("Le conseil municipal") and article.lang == "fr"


def test_page_without_a_title_keeps_none(tmp_path):
    """Nothing is made up: the display title is derived at search time (search.titles)."""
    (tmp_path / "sans-titre.html").write_text(page(f"<article>{TEXT}</article>"))
    article = read_one(tmp_path / "sans-titre.html")
    assert isinstance(article, Article)
    assert article.title == "" and article.body.startswith("Le conseil municipal")


@pytest.mark.parametrize("document, headline, expected", [
    ("Le plan vélo adopté - Le Courrier", "Le plan vélo adopté", "Le plan vélo adopté"),   # og:site_name
    ("Le Courrier | Le plan vélo adopté", "Le plan vélo adopté", "Le plan vélo adopté"),
    ("Le plan vélo adopté | courrier.example", "Le plan vélo adopté", "Le plan vélo adopté"),   # the host
    ("Le plan vélo adopté : ce qui change", "Le plan vélo adopté", "Le plan vélo adopté : ce qui change"),
    ("Politique - Le plan vélo adopté", "Le plan vélo adopté", "Le plan vélo adopté"),   # led by a section
    ("Accueil", "Le plan vélo adopté – Le Courrier", "Le plan vélo adopté"),   # the headline names the site
])
def test_title_is_the_document_title_without_the_site_name(tmp_path, document, headline, expected):
    head = (f'<title>{document}</title><meta property="og:title" content="{headline}">'
            '<meta property="og:site_name" content="Le Courrier">'
            '<meta property="og:url" content="https://www.courrier.example/plan.html">')
    (tmp_path / "plan.html").write_text(page(f"<article>{TEXT}</article>", head))
    assert read_one(tmp_path / "plan.html").title == expected


def test_json_ld_news_article_supplies_the_metadata(tmp_path):
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Le Courrier"},
        {"@type": "NewsArticle", "headline": "Villeurbanne change de plan de circulation",
         "datePublished": "2021-03-04T08:15:00+01:00", "publisher": {"@type": "Organization", "name": "Le Courrier"},
         "author": [{"@type": "Person", "name": "Marie Dupont"}], "articleSection": "Politique",
         "keywords": "mobilité, vélo", "url": "https://courrier.example/politique/plan.html"}]}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script><title>Accueil</title>'
    (tmp_path / "ld.html").write_text(page(f"<article>{TEXT}</article>", head, lang="fr-FR"))
    article = read_one(tmp_path / "ld.html")
    assert article.title == "Villeurbanne change de plan de circulation"
    assert article.published == datetime(2021, 3, 4, 7, 15, tzinfo=timezone.utc)
    assert (article.source, article.author, article.section) == ("Le Courrier", "Marie Dupont", "Politique")
    assert article.tags == ["mobilité", "vélo"] and article.lang == "fr"
    assert article.url == "https://courrier.example/politique/plan.html"


def test_scripts_navigation_and_related_lists_stay_out_of_the_body(tmp_path):
    body = ('<nav><ul><li><a href="/">Accueil</a></li><li><a href="/sport">Sport</a></li></ul></nav>'
            f'<article><h1>Le plan vélo adopté</h1>{TEXT}<script>var pub = "bannière";</script>'
            '<div class="ad">Publicité : achetez maintenant</div></article>'
            '<aside class="related"><h3>Sur le même sujet</h3><ul>'
            + "".join(f'<li><a href="/a{i}">Autre article numéro {i}</a></li>' for i in range(5))
            + "</ul></aside><footer>Mentions légales</footer>")
    (tmp_path / "a.html").write_text(page(body, '<meta property="og:type" content="article">'))
    text = read_one(tmp_path / "a.html").body
    for furniture in ("Accueil", "bannière", "Publicité", "Autre article", "Mentions légales", "Le plan vélo adopté"):
        assert furniture not in text
    assert text.startswith("Le conseil municipal") and text.count("\n\n") == 2


def test_reader_comments_go_to_their_own_field(tmp_path):
    comments = "".join(f'<div class="comment"><p class="author">Lecteur {i}</p>'
                       f'<p>Enfin une décision courageuse pour les cyclistes du quartier numéro {i}.</p></div>'
                       for i in range(3))
    body = f'<article>{TEXT}</article><section id="comments"><h3>3 commentaires</h3>{comments}</section>'
    (tmp_path / "c.html").write_text(page(body))
    article = read_one(tmp_path / "c.html")
    assert "courageuse" in article.comments and "courageuse" not in article.body
    assert article.comment_count == 3


def test_windows_1252_pages_decode_declared_or_not(tmp_path):
    text = "<p>Noël approche : le cœur de l’été est loin, et l’œuvre du maire reste à juger. </p>" * 4
    html = page(f"<article><h1>Fête à Lyon</h1>{text}</article>").replace('charset="utf-8"', 'charset="windows-1252"')
    (tmp_path / "declared.html").write_bytes(html.encode("cp1252"))
    (tmp_path / "undeclared.htm").write_bytes(html.replace(' charset="windows-1252"', "").encode("cp1252"))
    for name in ("declared.html", "undeclared.htm"):
        article = read_one(tmp_path / name)
        assert "le cœur de l’été" in article.body and "Noël" in article.body, name


def test_pages_that_are_not_articles_are_problems(tmp_path):
    teasers = "".join(f'<article><h2><a href="/a{i}.html">Grand titre numéro {i} de la politique locale</a></h2>'
                      f"<p>Un court chapeau de l'article {i} qui résume les faits en deux lignes pour donner "
                      "envie de lire la suite.</p></article>" for i in range(12))
    links = "".join(f'<li><a href="/a{i}.html">Titre numéro {i}</a></li>' for i in range(20))
    (tmp_path / "home.html").write_text(page(f"<main>{teasers}</main>", "<title>Le Journal</title>"))
    (tmp_path / "menu.html").write_text(page(f"<nav><ul>{links}</ul></nav>", "<title>Plan du site</title>"))
    (tmp_path / "broken.html.gz").write_bytes(b"not gzip at all")
    problems = {Path(p.location).name: p for p in read_paths([tmp_path])}
    assert all(isinstance(p, Problem) and not p.skipped for p in problems.values())
    assert "not an article" in problems["home.html"].reason
    assert problems["menu.html"].reason == "no article text found"
    assert "gzip" in problems["broken.html.gz"].reason
