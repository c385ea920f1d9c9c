"""Display titles of articles without one: the rules, on real corpus records, and through the engine."""
from __future__ import annotations

import json

import pytest

from search.engine import Engine, open_engine
from search.request import SearchRequest
from search.titles import MAX_CHARS, display_title

from conftest import corpus_lines, untitled_records

ALERT = "<script>alert('titre')</script>"


@pytest.fixture(scope="module")
def real() -> list[dict]:
    return [json.loads(line) for line in corpus_lines(300)]


@pytest.fixture(scope="module")
def engine(untitled_index) -> Engine:
    return open_engine(untitled_index)


# --- the rules -------------------------------------------------------------------------------------

def test_the_records_title_comes_first():
    assert display_title("  Un  titre ", "https://x.ch/un-autre-titre-ici", "Texte.") == ("Un titre", "record")


def test_slug_takes_the_bodys_spelling_punctuation_included():
    body = "PARIS (AFP) - Dans les rues, un slogan : « Gilets jaunes : la colère monte ». Le gouvernement se tait."
    url = "https://www.tdg.ch/geneve/actu/01-5207383-gilets-jaunes-la-colere-monte.php"
    assert display_title("", url, body) == ("Gilets jaunes : la colère monte", "url")


@pytest.mark.parametrize("url, body, expected", [
    # runs of words as the body writes them, the others alone (accents, capitals, apostrophes)
    ("https://www.lemonde.fr/international/article/2019/01/12/l-otan-face-a-la-russie_5407383_3224.html",
     "L’Alliance se prépare. Pour l’OTAN, face à la menace, la Russie reste l’adversaire.",
     "L’OTAN face à la Russie"),
    # percent-encoded accents are read; a trailing id and the extension go
    ("https://www.rts.ch/info/suisse/caf%C3%A9-de-la-gare-ferm%C3%A9-10112345.html", "", "Café de la gare fermé"),
    # no body to learn from: the slug's words as they are
    ("https://www.24heures.ch/vaud-regions/gilets-jaunes-colere-vive/story/12345678", "", "Gilets jaunes colere vive"),
    ("https://ex.ch/un_titre_avec_soulignes.htm", "", "Un titre avec soulignes"),
    ("https://ex.ch/%C2%AB-gilets-jaunes-%C2%BB-la-colere.html", "", "Gilets jaunes la colere"),
    # a last word the text never uses is the site's tag, unless the title would end on "les"
    ("https://actu.orange.fr/france/les-soignants-sont-en-colere-magic-CNT000001rj1HC.html",
     "Les soignants sont en colère.", "Les soignants sont en colère"),
    ("https://ex.ch/la-colere-monte-dans-les-rues", "La colère monte.", "La colère monte dans les rues"),
    ("https://ex.ch/les-syndicats-font-monter-les-encheres", "Dans les hôpitaux, les syndicats font monter.",
     "Les syndicats font monter les encheres"),
])
def test_slug_words(url, body, expected):
    assert display_title("", url, body) == (expected, "url")


@pytest.mark.parametrize("url", [
    "https://www.example.ch/12345678",                       # only digits
    "https://www.example.ch/article.php?id=5207383",         # the id is in the query string
    "https://www.example.ch/vaud-regions/story/12345678",    # a section name is not a headline
    "https://www.example.ch/news/a1b2c3d4e5-f6g7h8i9j0-k1l2m3n4o5",
    "not a URL at all", "", None,
])
def test_an_ugly_or_missing_slug_falls_back_to_the_text(url):
    assert display_title("", url, "Le Conseil d’État a tranché. La suite demain.") == (
        "Le Conseil d’État a tranché", "text")


@pytest.mark.parametrize("dateline", ["PARIS (AFP) - ", "Genève (ATS) – ", "Washington, 12 mars (AFP) — ",
                                      "MONTRÉAL — ", "  Lausanne (Keystone-ATS) -  "])
def test_a_dateline_is_not_a_title(dateline):
    assert display_title("", None, dateline + "M. Dupont a démissionné. Il part.").text == "M. Dupont a démissionné"


def test_a_parenthesis_in_the_first_sentence_is_not_a_dateline():
    text = "L'Association des peuples indigènes du Brésil (APIB) a annoncé vendredi un recours. Suite."
    assert display_title("", None, text).text == text.removesuffix(". Suite.")


def test_a_long_first_sentence_is_cut_at_a_word(real):
    body = real[2]["text"]            # « Quatre ans après la mort d'Adama Traoré … » (about 200 characters)
    title, source = display_title("", None, body)
    assert source == "text" and len(title) <= MAX_CHARS and title.endswith("…")
    assert body.startswith(title[:-1]) and body[len(title) - 1] == " "       # ends on a whole word


def test_the_first_paragraph_with_letters_is_used():
    shown = display_title("", None, "-\n\n« Nous partirons ! » lance-t-il. Fin.")
    assert shown.text == "« Nous partirons ! » lance-t-il"


def test_every_real_record_without_its_title_gets_a_short_one(real):
    for record in real:
        for url in (record["url"], None):
            title, source = display_title("", url, record["text"])
            assert 0 < len(title) <= MAX_CHARS and title == title.strip(), (record["id"], title)
            assert source == ("url" if url else "text")


def test_slug_titles_of_real_records_read_like_their_headline(real):
    """Orange's slugs (…-CNT000001rj1HC.html) lose accents and punctuation; the body gives them back."""
    shown = {r["id"]: display_title("", r["url"], r["text"]).text for r in real[:60]}
    assert shown["orangesum-5"] == ("Affaire Traoré les avocats livrent deux versions contradictoires "
                                    "d'une audition clé")
    assert shown["orangesum-26"] == "Scandale dans la police de Seine-Saint-Denis quatre agents mis en examen"
    assert shown["orangesum-68"] == "Botswana mort mystérieuse d'au moins 275 éléphants"


# --- through the engine -----------------------------------------------------------------------------

def test_the_stored_title_stays_empty(engine):
    article = engine.article("sans-titre/adresse")
    assert article["title"] == ""
    assert (article["display_title"], article["title_source"]) == (
        "Déclaration d'intérêts Delevoye entendu mercredi en audition libre", "url")


@pytest.mark.parametrize("ident, source", [
    ("sans-titre/adresse", "url"), ("sans-titre/phrase", "text"), ("sans-titre/longue", "text"),
    ("sans-titre/depeche", "text"), ("sans-titre/adresse-id", "text"), ("sans-titre/balises", "text"),
    ("sans-titre/meta", "record"), ("titled", "record"),
])
def test_every_hit_has_a_display_title(engine, ident, source):
    hits = engine.search(SearchRequest(per_page=100, collapse=False)).hits
    hit = next(h for h in hits if h.id == ident)
    assert hit.title_source == source and hit.display_title
    assert (hit.title == "") == (source != "record")


def test_a_headline_kept_in_extra_is_the_records_title(engine):
    article = engine.article("sans-titre/meta")
    assert article["title"] == article["display_title"] == untitled_records()["sans-titre/meta"]["extra"]["headline"]


def test_a_derived_title_is_searched_as_body_not_as_title(engine):
    """Its words are the body's: found, but weighed as body words, and not by titre:.

    The two records tell one story (a dispatch and its copy): both are listed only when copies are."""
    found = {h.id: h.score for h in engine.search(SearchRequest(query="Congrès américain", collapse=False)).hits}
    assert set(found) == {"sans-titre/depeche", "titled"}
    assert found["titled"] > found["sans-titre/depeche"]
    assert [h.id for h in engine.search(SearchRequest(query="titre:Congrès")).hits] == ["titled"]


def test_words_only_in_the_slug_are_not_searched(engine):
    # « Déclaration d'intérêts … » is spelt by the URL; the body never says "audition libre".
    assert "audition libre" not in untitled_records()["sans-titre/adresse"]["text"]
    assert engine.search(SearchRequest(query='"audition libre"')).total == 0


def test_the_article_title_marks_the_query(engine):
    article = engine.article("sans-titre/depeche", query="congrès")
    assert article["title_html"].startswith("Le <mark>Congrès</mark> américain a adopté")


def test_markup_in_a_derived_title_is_escaped(engine):
    article = engine.article("sans-titre/balises", query="macron")
    assert article["display_title"].startswith(ALERT)
    assert "<script>" not in article["title_html"] and "&lt;script&gt;" in article["title_html"]
