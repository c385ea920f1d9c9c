"""The query language: syntax, fields, French analysis, and malformed queries never failing, on every engine."""
from __future__ import annotations

import re

import pytest

from search import index_query as iq
from search.analysis import FOLDED, STEMMED, terms
from search.engine import Engine
from search.query import And, Near, Not, Or, Phrase, Word, parse, parse_tree
from search.request import SearchRequest

S000, S001, S002, S003, S004 = (
    "000_91c5acc868c998b8", "001_e9895f9757e1857e", "002_d5ed4a4cd01b391f",
    "003_557e849e480eec8d", "004_58e2441d30baac30",
)
ALL = {S000, S001, S002, S003, S004}


@pytest.fixture
def engine(seed_engine) -> Engine:
    return seed_engine


def ids(engine: Engine, query: str, **options) -> set[str]:
    """Every matching article, copies of one story included."""
    result = engine.search(SearchRequest(query=query, per_page=1000, collapse=False, **options))
    assert result.notice is None, result.notice
    assert result.total == len(result.hits)
    return {hit.id for hit in result.hits}


# --- the parser -------------------------------------------------------------------------

def test_words_are_anded_by_default():
    assert parse_tree("guerre Ukraine") == And([Word("guerre", start=0, end=6), Word("Ukraine", start=7, end=14)])


@pytest.mark.parametrize("operator", ["OR", "OU"])
def test_or_in_english_and_french(operator):
    assert isinstance(parse_tree(f"Kyiv {operator} Kiev"), Or)


@pytest.mark.parametrize("query", ["Trump NOT Zelensky", "Trump SAUF Zelensky", "Trump -Zelensky"])
def test_exclusion_forms(query):
    tree = parse_tree(query)
    assert isinstance(tree, And) and isinstance(tree.items[1], Not)


def test_lower_case_operator_words_are_plain_words():
    assert parse_tree("pomme ou poire") == And([Word("pomme", start=0, end=5), Word("ou", start=6, end=8),
                                                Word("poire", start=9, end=14)])


def test_and_binds_tighter_than_or_and_parentheses_override():
    assert isinstance(parse_tree("a b OR c"), Or)
    tree = parse_tree("a (b OR c)")
    assert isinstance(tree, And) and isinstance(tree.items[1], Or)


@pytest.mark.parametrize("prefix, field", [
    ("titre", "title"), ("title", "title"), ("source", "source"), ("personne", "person"), ("person", "person"),
    ("theme", "topic"), ("thème", "topic"), ("topic", "topic"), ("langue", "lang"), ("lang", "lang"),
    ("commentaires", "comments"), ("comments", "comments"), ("date", "date"),
])
def test_field_prefixes_in_french_and_english(prefix, field):
    assert parse_tree(f"{prefix}:valeur").field == field
    assert parse_tree(f'{prefix}:"deux mots"') == Phrase("deux mots", field)


def test_field_applies_to_a_group():
    tree = parse_tree("titre:(Trump OR Poutine)")
    assert isinstance(tree, Or) and {w.field for w in tree.items} == {"title"}


def test_french_quotes_and_phrase_slop():
    assert parse_tree("«Maison-Blanche»") == Phrase("Maison-Blanche")
    assert parse_tree('"accord paix"~3') == Phrase("accord paix", slop=3)


def test_fuzzy_distance():
    assert parse_tree("Zelensky~").fuzzy == 1
    assert parse_tree("Zelensky~2").fuzzy == 2


def test_a_colon_before_a_space_is_punctuation():
    assert parse_tree("Vatican: achat") == And([Word("Vatican", start=0, end=7), Word("achat", start=9, end=14)])


# --- malformed queries: results and a French notice, never an exception ------------------

@pytest.mark.parametrize("query, reason, words", [
    ('"Maison-Blanche', "guillemet non fermé", "Maison Blanche"),
    ("(Trump OR Poutine", "parenthèse non fermée", "Trump Poutine"),
    ("Trump) Poutine", "parenthèse fermante en trop", "Trump Poutine"),
    ("Trump OR", "opérateur « OR » sans terme", "Trump"),
    ("AND Trump", "opérateur « AND » sans terme", "Trump"),
    ("Trump SAUF", "opérateur « SAUF » sans terme", "Trump"),
    ("auteur:Trump", "champ inconnu « auteur: »", "auteur Trump"),
    ("titre:", "champ « titre: » sans valeur", "titre"),
    ("date:hier Trump", "date illisible « hier »", "date hier Trump"),
    ("Trump ()", "parenthèses vides", "Trump"),
    ("Trump\x00\x07Poutine", "caractères de contrôle", "Trump Poutine"),
    ("Trump " * 2000, "requête trop longue", "Trump"),
    ("(" * 30 + "Trump" + ")" * 30, "trop de parenthèses imbriquées", "Trump"),
])
def test_malformed_queries_search_their_words(engine, query, reason, words):
    result = engine.search(SearchRequest(query=query[:10_000]))
    assert result.notice.startswith(f"Requête mal formée ({reason}")
    assert result.notice.endswith(") : recherche des mots tels quels.")
    assert {h.id for h in result.hits} == ids(engine, words)


def test_a_query_without_words_finds_nothing_but_an_empty_one_finds_all(engine):
    assert engine.search(SearchRequest(query='"')).total == 0
    assert engine.search(SearchRequest(query="")).total == 5


# --- searching the seeds ----------------------------------------------------------------

def test_and_or_not(engine):
    assert ids(engine, "Alaska Kyiv") == {S001}
    assert ids(engine, "Alaska OU Kyiv") == {S000, S001, S002, S003, S004}
    assert ids(engine, "Alaska SAUF Kyiv") == {S000, S003}
    assert ids(engine, "Poutine -Alaska") == {S002, S004}
    assert ids(engine, "-Alaska") == {S002, S004}
    assert ids(engine, "(Alaska OR Rutte) AND Kyiv") == {S001}


def test_accents_case_elision_and_plural_do_not_matter(engine):
    assert ids(engine, "securite") == ids(engine, "SÉCURITÉ") == ALL
    assert ids(engine, "l'otan") == ids(engine, "L’OTAN") == ids(engine, "otan") == ALL
    assert ids(engine, "garantie") == ids(engine, "garanties") >= {S000, S001, S004}


def test_phrases_use_the_words_in_order(engine):
    assert ids(engine, '"Maison-Blanche"') == ids(engine, "Maison-Blanche") == {S001}
    assert ids(engine, '"Blanche Maison"') == set()
    assert ids(engine, '"garanties de sécurité"') >= {S001}


def test_field_prefixes(engine):
    assert ids(engine, "titre:Zelensky") == ids(engine, "title:zelensky") == {S004}
    assert ids(engine, 'source:"Chas Pravdy"') == ids(engine, "source:chaspravdy") == {S000, S003}
    assert ids(engine, "personne:Rutte") == ids(engine, 'person:"Mark Rutte"') == {S003}
    assert ids(engine, "langue:fr") == ids(engine, "lang:FR") == ids(engine, "langue:français") == ALL
    topic = engine.article(S000)["topics"][0]
    assert S000 in ids(engine, f'theme:"{topic}"') == ids(engine, f'topic:"{topic}"')


def test_dates(engine):
    assert ids(engine, "date:2025-08") == ids(engine, 'date:"août 2025"') == {S000, S003}
    assert ids(engine, "date:2025-08-15..2025-08-31") == {S000}
    assert ids(engine, "date:2025-08-13") == {S003}
    assert ids(engine, "date:2024") == set()


def test_wildcards_and_fuzzy_words(engine):
    assert ids(engine, "sécuritair*") == {S001, S004}
    assert ids(engine, "Zelensk*") == {S001, S003, S004}
    assert ids(engine, "Alasca") == set()
    assert ids(engine, "Alasca~") == ids(engine, "Alaska") == {S000, S001, S003}
    assert ids(engine, "Zelenskiy~", variants=False) == {S001, S003, S004}


def test_comments_only_when_asked(engine):
    assert ids(engine, "perlimpinpin") == set()
    assert ids(engine, "commentaires:perlimpinpin") == ids(engine, "comments:perlimpinpin") == {S001}
    assert ids(engine, "perlimpinpin", comments=True) == {S001}


def test_name_variants(engine):
    assert ids(engine, "Zelensky") == {S001, S003, S004}          # S001 writes Zelenskyy
    assert ids(engine, "Zelensky", variants=False) == {S003, S004}
    assert ids(engine, '"Zelensky"') == {S003, S004}              # quoting: this spelling only
    assert ids(engine, "Putin") == ALL                             # the French texts say Poutine
    assert ids(engine, '"Putin"') == set()


def test_exact_forms_rank_first(engine):
    hits = engine.search(SearchRequest(query="garanties")).hits
    exact = ["garanties" in engine.article(h.id)["body"] for h in hits]
    assert exact[0] and not all(exact)


def test_parse_works_without_an_index():
    parsed = parse("Trump OU Poutine SAUF titre:Zelensky")
    assert parsed.notice is None and parsed.highlight


# --- proximity (NEAR/n, PRES/n) and occurrence counts (word>=k, word>k) -----------------------
# Each engine's matches equal what the analysis chain finds in the stored texts of the candidates.

def _texts(engine: Engine, article_id: str) -> tuple[list[str], str]:
    article = engine.article(article_id)
    return [article["title"], article["body"]], article["lang"]


def _positions(text: str, lang: str) -> dict[str, list[int]]:
    """Each folded word's positions, counted as the exact fields count them (every word, stop words too)."""
    found: dict[str, list[int]] = {}
    for position, (term, _, _) in enumerate(FOLDED.tokens(text, lang)):
        found.setdefault(term, []).append(position)
    return found


def _near_in(text: str, lang: str, left: str, right: str, distance: int) -> bool:
    positions = _positions(text, lang)

    def starts(phrase: str) -> list[int]:
        words = terms(phrase, stem=False)
        return [p for p in positions.get(words[0], [])
                if all(p + i in positions.get(w, []) for i, w in enumerate(words))]
    spans = [(a, a + len(terms(left, stem=False)), b, b + len(terms(right, stem=False)))
             for a in starts(left) for b in starts(right)]
    return any(max(b - a_end, a - b_end) <= distance for a, a_end, b, b_end in spans)


def _occurrences(texts: list[str], lang: str, word: str) -> int:
    stem = terms(word)[0]
    return sum(1 for text in texts for term, _, _ in STEMMED.tokens(text, lang) if term == stem)


def _candidates(engine: Engine, query: str) -> set[str]:
    result = engine.search(SearchRequest(query=query, per_page=1000, variants=False, collapse=False))
    assert result.total == len(result.hits) < 1000
    return {hit.id for hit in result.hits}


def _near_oracle(engine: Engine, left: str, right: str, distance: int) -> set[str]:
    found = set()
    for article_id in _candidates(engine, f"{left} {right}"):
        texts, lang = _texts(engine, article_id)
        if any(_near_in(text, lang, left, right, distance) for text in texts):
            found.add(article_id)
    return found


def _count_oracle(engine: Engine, word: str, minimum: int) -> set[str]:
    return {i for i in _candidates(engine, word) if _occurrences(*_texts(engine, i), word) >= minimum}


@pytest.mark.parametrize("left, right, distance", [
    ("Trump", "Poutine", 1), ("Trump", "Poutine", 3), ("Trump", "Alaska", 8), ('"Donald Trump"', "Alaska", 12),
    ('"garanties de sécurité"', "OTAN", 20), ("Kyiv", "Moscou", 5),
])
def test_near_matches_what_the_texts_hold(engine, left, right, distance):
    found = ids(engine, f"{left} NEAR/{distance} {right}")
    assert found == ids(engine, f"{right} PRES/{distance} {left}") == ids(engine, f"{left} near/{distance} {right}")
    assert found == _near_oracle(engine, left, right, distance)


def test_near_parses_into_its_two_sides():
    assert parse_tree('"Donald Trump" NEAR/5 Poutine') == Near(Phrase("Donald Trump"), Word("Poutine", start=22, end=29),
                                                             5, "NEAR/5")
    assert parse("Trump PRES/2 Poutine").query == iq.Or(tuple(
        iq.Near(f, ("trump",), ("poutine",), 2) for f in ("title_exact", "body_exact")))
    assert parse("titre:(Trump NEAR/2 Poutine)").query == iq.Near("title_exact", ("trump",), ("poutine",), 2)
    assert isinstance(parse_tree("Alaska (Trump NEAR/3 Poutine) -Kyiv"), And)


def test_count_parses_more_than_and_at_least():
    assert parse("Trump>2").query == parse("Trump>=3").query == iq.Count(("title", "body"), "trump", 3, "trump")
    assert parse("Trump>=3", comments=True).query.fields == ("title", "body", "comments")
    assert parse("le>=4").query == iq.Count(("title_exact", "body_exact"), "le", 4, "le")   # stop words: exact forms
    assert parse("Garanties>=2").query == iq.Count(("title", "body"), "garant", 2, "garanties")


@pytest.mark.parametrize("query, word, minimum", [
    ("Trump>=3", "Trump", 3), ("Trump>5", "Trump", 6), ("OTAN>=4", "OTAN", 4), ("garanties>=2", "garanties", 2),
    ("titre:Trump>=1", None, None),
])
def test_counts_match_what_the_texts_hold(engine, query, word, minimum):
    if word is None:
        assert ids(engine, query) == ids(engine, "titre:Trump")
        return
    found = ids(engine, query)
    assert found == _count_oracle(engine, word, minimum)
    assert found < ids(engine, word) or minimum <= 1


@pytest.mark.parametrize("query, reason", [
    ("Trump NEAR/x Poutine", "« NEAR/x » : la distance est un nombre de mots de 1 à 50"),
    ("Trump NEAR/0 Poutine", "« NEAR/0 » : la distance"),
    ("Trump PRES/51 Poutine", "« PRES/51 » : la distance"),
    ("Trump NEAR/3", "opérateur « NEAR/3 » sans terme"),
    ("NEAR/3 Poutine", "opérateur « NEAR/3 » sans terme"),
    ("Trump NEAR/3 OR Poutine", "opérateur « NEAR/3 » sans terme"),
    ("Trump NEAR/2 Poutine NEAR/2 Alaska", "« NEAR/2 » : NEAR relie deux termes, pas plus"),
    ("Trump* NEAR/3 Poutine", "« NEAR/3 » relie deux mots ou expressions"),
    ("(Trump OR Biden) NEAR/3 Poutine", "« NEAR/3 » relie deux mots ou expressions"),
    ("Trump>=0 Poutine", "« Trump>=0 » : le nombre d’occurrences va de 1 à 1000"),
    ("Trump>=5000 Poutine", "le nombre d’occurrences va de 1 à 1000"),
    ("Maison-Blanche>2 Poutine", "un nombre d’occurrences s’applique à un seul mot"),
])
def test_malformed_proximity_and_counts_search_the_words(engine, query, reason):
    result = engine.search(SearchRequest(query=query, per_page=100))
    assert result.notice.startswith("Requête mal formée (") and reason in result.notice
    # The fallback searches the words, without the operator's name, distance or bound.
    assert {h.id for h in result.hits} == ids(engine, re.sub(r"NEAR/\S*|PRES/\S*|>=?\d*|\bOR\b|[()*]", " ", query))


def test_ordinary_text_with_these_signs_is_not_an_operator():
    assert parse("x>a").notice is None and not any(isinstance(n, iq.Count) for n in parse("x>a").highlight)
    assert parse("near").query == parse("NEAR").query                 # a word, not an operator, without "/n"
    assert isinstance(parse_tree("Trump near/3 Poutine"), Near)


def test_proximity_and_counts_are_highlighted(engine):
    result = engine.search(SearchRequest(query="Trump NEAR/3 Poutine"))
    assert all("<mark>Trump</mark>" in h.snippet or "<mark>Poutine</mark>" in h.snippet for h in result.hits)
    result = engine.search(SearchRequest(query="OTAN>=4"))
    assert result.hits and all("OTAN</mark>" in h.snippet for h in result.hits)


@pytest.mark.parametrize("left, right, distance", [("gouvernement", "Macron", 5), ('"Emmanuel Macron"', "président", 3)])
def test_near_on_the_corpus_matches_what_the_texts_hold(corpus_engine, left, right, distance):
    found = ids(corpus_engine, f"{left} NEAR/{distance} {right}", variants=False)
    assert found and found == _near_oracle(corpus_engine, left, right, distance)


@pytest.mark.parametrize("word, minimum", [("police", 4), ("euros", 3)])
def test_counts_on_the_corpus_match_what_the_texts_hold(corpus_engine, word, minimum):
    found = ids(corpus_engine, f"{word}>={minimum}")
    assert found and found == _count_oracle(corpus_engine, word, minimum)
