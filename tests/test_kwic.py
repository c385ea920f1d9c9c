"""Words in context: the lines are exactly the occurrences, sorted and paginated, escaped, on every engine."""
from __future__ import annotations

import csv
import io

import pytest
from test_search import article, write_index

from search.analysis import FOLDED, STEMMED, WORD_RE, fold_word, terms
from search.engine import Engine
from search.kwic import MAX_ARTICLES, KwicRequest, kwic
from search.request import SearchRequest
from web import create_app

S001 = "001_e9895f9757e1857e"


def lines(engine: Engine, query: str, **params) -> list:
    return kwic(engine, KwicRequest.from_params({"q": query, **params}), every_line=True).lines


def matching(engine: Engine, query: str, **options) -> list[str]:
    """The articles whose lines KWIC shows: the newest matches, copies included, at most MAX_ARTICLES of them."""
    result = engine.search(SearchRequest(query=query, per_page=MAX_ARTICLES, sort="newest", collapse=False,
                                         **options))
    return [hit.id for hit in result.hits]


def word_places(engine: Engine, query: str, word: str, **options) -> set[tuple[str, int]]:
    """(article, offset) of every word of the matching articles' texts that the chain stems as ``word``."""
    stem = terms(word)[0]
    places = set()
    for article_id in matching(engine, query, **options):
        record = engine.article(article_id)
        places |= {(article_id, start) for term, start, _ in STEMMED.tokens(record["body"], record["lang"])
                   if term == stem}
    return places


def phrase_places(engine: Engine, phrase: str) -> set[tuple[str, int]]:
    """(article, offset) of every run of the phrase's exact forms in the matching articles' texts."""
    wanted = terms(phrase, stem=False)
    places = set()
    for article_id in matching(engine, f'"{phrase}"'):
        record = engine.article(article_id)
        words = list(FOLDED.tokens(record["body"], record["lang"]))
        places |= {(article_id, words[i][1]) for i in range(len(words) - len(wanted) + 1)
                   if [w[0] for w in words[i:i + len(wanted)]] == wanted}
    return places


# --- the lines are the occurrences --------------------------------------------------------------

@pytest.mark.parametrize("query", ["garanties", "Trump", "OTAN", "sécurité"])
def test_lines_are_exactly_the_words_occurrences(seed_engine, query):
    # Without name variants: with them, "Trump" also stands for the phrase "Donald Trump" (see below).
    found = lines(seed_engine, query, width="5", variants="false")
    assert found and {(line.id, line.offset) for line in found} == \
        word_places(seed_engine, query, query, variants=False)
    assert len(found) == len({(line.id, line.offset) for line in found})
    stem = terms(query)[0]
    assert all(terms(line.match)[-1] == stem for line in found)


def test_a_person_is_found_under_their_full_name(seed_engine):
    found = {line.match for line in lines(seed_engine, "Trump")}
    assert found == {"Trump", "Donald Trump"}


def test_lines_of_a_phrase_are_its_runs(seed_engine):
    found = lines(seed_engine, '"garanties de sécurité"')
    assert found and {(line.id, line.offset) for line in found} == phrase_places(seed_engine, "garanties de sécurité")
    assert {fold_word(w) for line in found for w in WORD_RE.findall(line.match)} == {"garanties", "de", "securite"}


def test_near_gives_the_lines_of_both_sides(seed_engine):
    found = lines(seed_engine, "Alaska NEAR/5 Poutine")
    articles = matching(seed_engine, "Alaska NEAR/5 Poutine")
    assert {line.id for line in found} == set(articles)
    assert {(line.id, line.offset) for line in found} == \
        {p for p in word_places(seed_engine, "Alaska Poutine", "Alaska") | word_places(seed_engine, "Alaska Poutine",
                                                                                      "Poutine") if p[0] in articles}


def test_context_is_the_given_number_of_words(seed_engine):
    for line in lines(seed_engine, "Trump", width="3"):
        assert len(WORD_RE.findall(line.left)) <= 3 and len(WORD_RE.findall(line.right)) <= 3
        assert line.left.strip() == line.left and "\n" not in line.left + line.right
    article_body = seed_engine.article(S001)["body"]
    line = next(line for line in lines(seed_engine, "Trump", width="3") if line.id == S001)
    assert article_body[line.offset:].startswith(line.match)


def test_lines_carry_the_article(seed_engine):
    line = lines(seed_engine, "Rutte")[0]
    page = seed_engine.article(line.id)
    assert (line.title, line.source, line.published) == (page["display_title"], page["source"], page["published"])


def test_corpus_lines_are_exactly_the_occurrences(corpus_engine):
    for query in ("gouvernement", "grève"):
        result = kwic(corpus_engine, KwicRequest.from_params({"q": query}), every_line=True)
        assert len(result.lines) > 20 and result.read == min(result.matching, MAX_ARTICLES)
        assert {(line.id, line.offset) for line in result.lines} == word_places(corpus_engine, query, query)
    assert kwic(corpus_engine, KwicRequest.from_params({"q": "gouvernement"})).matching > MAX_ARTICLES


def test_comments_only_when_asked(seed_engine):
    assert lines(seed_engine, "perlimpinpin") == []
    found = lines(seed_engine, "perlimpinpin", comments="true")
    assert [(line.id, line.match.lower()) for line in found] == [(S001, "perlimpinpin")]


# --- order and pages ------------------------------------------------------------------------------

def _folded(text: str) -> list[str]:
    return [fold_word(w) for w in WORD_RE.findall(text)]


def test_sorts(seed_engine):
    by_date = lines(seed_engine, "Poutine")
    dates = [line.published for line in by_date]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates == dated + [None] * (len(dates) - len(dated))
    left = [_folded(line.left)[::-1] for line in lines(seed_engine, "Poutine", sort="left")]
    right = [_folded(line.right) for line in lines(seed_engine, "Poutine", sort="right")]
    assert left == sorted(left) and right == sorted(right) and left != sorted(right)
    assert sorted(by_date, key=lambda line: (line.id, line.offset)) == \
        sorted(lines(seed_engine, "Poutine", sort="left"), key=lambda line: (line.id, line.offset))


def test_pages_cover_every_line_once(seed_engine):
    every = lines(seed_engine, "Poutine", sort="right")
    pages = [kwic(seed_engine, KwicRequest.from_params({"q": "Poutine", "sort": "right", "per_page": "7",
                                                         "page": str(n)})) for n in range(1, 20)]
    assert all(page.total == len(every) for page in pages)
    assert [line for page in pages for line in page.lines] == every


def test_filters_narrow_the_lines(seed_engine):
    narrowed = lines(seed_engine, "Poutine", source="Chas Pravdy")
    assert narrowed and {line.source for line in narrowed} == {"Chas Pravdy"}
    assert {(line.id, line.offset) for line in narrowed} < {(line.id, line.offset) for line in lines(seed_engine, "Poutine")}


# --- the web: JSON, CSV, page, errors, escaping ---------------------------------------------------------

@pytest.fixture(scope="module")
def seed_client(seed_location):
    return create_app({"INDEX": seed_location, "TESTING": True}).test_client()


def test_json_has_the_documented_shape(seed_client, seed_engine):
    answer = seed_client.get("/api/kwic?q=garanties&per_page=2&page=2&sort=left").get_json()
    assert answer["total"] == len(lines(seed_engine, "garanties")) and answer["page"] == 2
    assert answer["articles_read"] == answer["matching_articles"] == len(matching(seed_engine, "garanties"))
    assert [line["offset"] for line in answer["lines"]] == \
        [line.offset for line in lines(seed_engine, "garanties", sort="left")[2:4]]
    assert set(answer["lines"][0]) == {"id", "title", "source", "published", "left", "match", "right", "offset"}


def test_csv_has_every_line(seed_client, seed_engine):
    response = seed_client.get("/api/kwic.csv?q=Poutine&sort=right&per_page=3")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert response.mimetype == "text/csv" and rows[0] == ["id", "title", "source", "published", "left", "match",
                                                            "right"]
    assert [row[4:] for row in rows[1:]] == [[line.left, line.match, line.right]
                                             for line in lines(seed_engine, "Poutine", sort="right")]


def test_page_without_javascript(seed_client):
    page = seed_client.get("/kwic?q=garanties&sort=left&per_page=3").get_data(as_text=True)
    assert '<form class="kwic-form" action="/kwic" method="get">' in page
    assert page.count("<mark>") == 3 and '<option value="left" selected>' in page
    assert 'href="/kwic?q=garanties&amp;sort=left&amp;per_page=3&amp;page=2"' in page
    results = seed_client.get("/search?q=garanties&sort=newest").get_data(as_text=True)
    assert 'href="/kwic?q=garanties">Mots en contexte</a>' in results


@pytest.mark.parametrize("query, parameter", [
    ("sort=relevance", "sort"), ("sort=", "sort"), ("width=0", "width"), ("width=31", "width"), ("width=deux", "width"),
    ("per_page=101", "per_page"), ("page=0", "page"), ("from=2020-13", "from"), ("comments=peut-être", "comments"),
])
def test_bad_parameters_are_400_naming_them(seed_client, query, parameter):
    for path in ("/api/kwic", "/api/kwic.csv"):
        response = seed_client.get(f"{path}?q=Poutine&{query}")
        assert response.status_code == 400 and response.get_json()["parameter"] == parameter
    page = seed_client.get(f"/kwic?q=Poutine&{query}")
    assert page.status_code == 400 and "Requête invalide" in page.get_data(as_text=True)


def test_article_html_is_escaped(fresh_store):
    body = "Avant <script>alert(1)</script> puis la sécurité & <b>le reste</b>."
    write_index(fresh_store, [article(1, body, title="<i>Sécurité</i>")])
    client = create_app({"INDEX": fresh_store.location, "TESTING": True}).test_client()
    line = client.get("/api/kwic?q=sécurité").get_json()["lines"][0]
    assert (line["left"], line["match"], line["right"]) == ("Avant <script>alert(1)</script> puis la", "sécurité",
                                                            "& <b>le reste</b")
    page = client.get("/kwic?q=sécurité").get_data(as_text=True)
    assert "<script>alert" not in page and "<b>le" not in page and "<i>Sécurité" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; puis la</td>" in page and "<mark>sécurité</mark>" in page
    assert "&lt;i&gt;Sécurité&lt;/i&gt;" in page
