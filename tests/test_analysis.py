"""The French analysis chain: the equivalences users rely on."""
import pickle

import pytest

from search.analysis import STEMMED, fold, terms
from search.whoosh.schema import french_analyzer


@pytest.mark.parametrize("a, b", [
    ("sécurité", "securite"),
    ("SÉCURITÉ", "securite"),
    ("garanties", "garantie"),
    ("États", "etats"),
    ("l’OTAN", "OTAN"),
    ("l'OTAN", "otan"),
    ("lorsqu’Emmanuel", "emmanuel"),
    ("Maison\u2011Blanche", "Maison-Blanche"),
    ("Maison-Blanche", "maison blanche"),
    ("Maison—Blanche", "maison blanche"),
    ("œuvre", "oeuvre"),
    ("Œuvres", "oeuvre"),
    ("ça\u202fva", "ca va"),
    ("Zelensky\u00a0a", "zelensky a"),
])
def test_equivalent_forms_index_alike(a, b):
    assert terms(a) == terms(b)
    assert terms(a)


def test_folding_happens_before_stemming():
    # Stemming accented text first would give "secur" vs "securit".
    assert terms("sécurité") == terms("securite") == ["securit"]


def test_stop_words_are_dropped_after_folding():
    assert terms("les ils elles cette cet où ça leurs") == []


def test_every_elision_is_removed():
    for prefix in "l d qu j n s c m t jusqu lorsqu puisqu quoiqu".split():
        assert terms(f"{prefix}’Europe") == terms("Europe"), prefix


def test_unstemmed_chain_keeps_exact_forms_and_stop_words():
    assert terms("Les garanties", stem=False) == ["les", "garanties"]


def test_offsets_point_into_the_original_text():
    text = "L’OTAN et les États‑Unis"
    tokens = [(term, text[start:end]) for term, start, end in STEMMED.tokens(text)]
    assert tokens == [("otan", "L’OTAN"), ("etat", "États"), ("unis", "Unis")]


def test_other_languages_are_folded_not_french_stemmed():
    assert terms("garanties") == ["garant"]
    assert terms("The guarantees", lang="en") == ["the", "guarantees"]


def test_a_text_analysed_again_gives_the_same_terms():
    """The chain keeps the terms of recent texts: changing a list it gave, or the other chain's and languages'
    analysis of the same text in between, must not change what it gives next."""
    text = "Les garanties de l’État"
    first = terms(text)
    first.append("changed")
    assert terms(text, stem=False) == ["les", "garanties", "de", "etat"]
    assert terms(text, lang="en") == ["les", "garanties", "de", "etat"]
    assert terms(text) == ["garant", "etat"]


def test_analyzer_survives_pickling():
    # Whoosh pickles the analyzer into the index.
    analyzer = french_analyzer()
    assert pickle.loads(pickle.dumps(analyzer)) == analyzer


def test_fold_makes_lookup_keys():
    assert fold("Volodymyr ZELENSKYY") == "volodymyr zelenskyy"
    assert fold("6Médias") == "6medias"
