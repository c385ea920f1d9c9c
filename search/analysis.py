"""French text analysis: one chain for indexing and for queries.

Tokens are cut from the original text (so character offsets stay valid for
highlighting), then each token is normalised: NFKC, accent and ligature
folding with unidecode, lower case, elision removal, stop words, and French
stemming. Folding comes *before* stemming: the Snowball stemmer treats
``sécurité`` and ``securite`` differently, so stemming unfolded text would make
unaccented queries miss.

This module is the one definition of that behaviour: the Whoosh engine runs
it (:mod:`search.whoosh.schema`), the SolrCloud configset reproduces it.
"""
from __future__ import annotations

import codecs
import re
import threading
import unicodedata
from functools import lru_cache

from typing import Iterator

# Snowball 2.2's French compiled to C (PyStemmer 2.x): the algorithm Lucene 9 runs,
# 25 times faster than the pure-Python one. Snowball 3 (PyStemmer 3) changed French.
from Stemmer import Stemmer
from unidecode import unidecode

# Apostrophe variants (’ ‘ ʼ ` ′) are part of a word so that elisions can be
# recognised; every hyphen variant and space variant is a separator.
APOSTROPHES = "'\u2019\u2018\u02bc`\u2032\uff07"
WORD_RE = re.compile(r"\w+(?:[%s]\w+)*" % APOSTROPHES, re.UNICODE)
_APOSTROPHE_TABLE = {ord(c): "'" for c in APOSTROPHES}
# The accented letters of French and its neighbours, and every apostrophe, one character each.
_ONE_TO_ONE = str.maketrans("àâäáãåçéèêëíìîïñóòôöõúùûüýÿ" + APOSTROPHES,
                            "aaaaaaceeeeiiiinooooouuuuyy" + "'" * len(APOSTROPHES))

ELISIONS = frozenset(
    "l d qu j n s c m t jusqu lorsqu puisqu quoiqu".split()
)

# Folded (accent-free) French stop words: the stop list is applied after
# folding, so it must be folded too.
STOP_WORDS = frozenset(
    """
    a ai aie aient aies ait as au aucun aucune aupres aussi autre autres aux avaient avais avait avant
    avec avez aviez avions avoir avons ayant ayez ayons c ca ce ceci cela celle celles celui cependant
    ces cet cette ceux chaque chez ci comme comment d dans de des depuis donc dont du elle elles en
    encore entre es est et etaient etais etait etant ete etes etiez etions etre eu eue eues eumes
    eurent eus eusse eussent eusses eussiez eussions eut eutes eux fait font fumes furent fus fusse
    fussent fusses fussiez fussions fut futes ici il ils j je jusqu l la le les leur leurs lui m ma
    mais me meme memes mes moi mon n ne ni nos notre nous on ont ou par parce pas pendant peu peut
    plus pour pourquoi qu quand que quel quelle quelles quels qui s sa sans se sera serai seraient
    serais serait seras serez seriez serions serons seront ses si sien soi soient sois soit sommes
    son sont sous soyez soyons suis sur t ta te tes toi ton tous tout toute toutes tres tu un une
    unes uns vos votre vous y
    """.split()
)

_CACHE_LIMIT = 300_000
RECENT_TEXTS = 1024    # texts whose words and terms are kept (see _Recent): the fields of a few hundred articles


def normalize(text: str) -> str:
    """NFKC plus one apostrophe: the form every other step expects."""
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHE_TABLE)


def strip_elision(word: str) -> str:
    head, sep, tail = word.partition("'")
    if sep and tail and head in ELISIONS:
        return tail
    return word


# unidecode spells a few characters with punctuation or spaces (½ -> "1/2", 北 -> "Bei "):
# a term keeps only ASCII letters, digits, _ and the apostrophe that marks an elision.
_NOT_TERM_CHAR = re.compile(r"[^a-z0-9_']")


def fold_chars(text: str) -> str:
    """Characters to their folded spelling, one by one (no elision yet).

    solr/configset.py builds Solr's character mapping with this function.
    """
    return _NOT_TERM_CHAR.sub("", unidecode(normalize(text)).lower())


@lru_cache(maxsize=262144)  # person extraction folds the same few words very often
def fold_word(word: str) -> str:
    """One token to its folded form: accents, ligatures, case, elision."""
    folded = fold_chars(word)
    # An elided article goes (l'etat -> etat); other apostrophes just vanish (aujourd'hui).
    folded = strip_elision(folded)
    return folded.replace("'", "")


def fold_in_place(text: str) -> str:
    """Lower case, accents and apostrophes folded character for character, so that offsets hold.

    Letters that fold to several (``œ``) stay as they are; callers check the
    length when ``lower()`` might change it.
    """
    return text.lower().translate(_ONE_TO_ONE)


# fold_to_bytes: a byte for each character, by a 256-entry table. Characters outside Latin-1 are first
# replaced (by the error handler below) with one the table folds alike.
OTHER_LETTER = 0x80         # a letter that does not fold to one ASCII letter (œ, ß, Greek)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"      # what \w matches in WORD_RE


def _byte_fold(code: int) -> int:
    char = chr(code)
    if char in APOSTROPHES:
        return ord("'")
    if not _is_word_char(char):
        return code if code < 0x80 else ord(" ")
    folded = char.lower().translate(_ONE_TO_ONE)
    return ord(folded) if folded.isascii() and len(folded) == 1 else OTHER_LETTER


_BYTE_FOLD = bytes(_byte_fold(code) for code in range(256))


def _outside_latin1(error: UnicodeEncodeError) -> tuple[str, int]:
    chars = error.object[error.start:error.end]
    # ß: a Latin-1 letter that the table makes OTHER_LETTER.
    return "".join("ß" if _is_word_char(c) else "'" if c in APOSTROPHES else " " for c in chars), error.end


codecs.register_error("manchette.fold", _outside_latin1)


def fold_to_bytes(text: str) -> bytes:
    """:func:`fold_in_place` as one byte per character, for scanning whole articles (snippets).

    Letters are folded and lower-cased, every apostrophe is ``'``, a letter
    that does not fold to one ASCII letter is ``OTHER_LETTER``, any other
    character is itself (ASCII) or a space. ``bytes.translate`` reads a table
    where ``str.translate`` looks each character up in a dict: 3 µs against
    280 µs for an article of 2,700 characters.
    """
    # The typographic apostrophe is in most French texts: one pass here spares the error handler.
    return text.replace("\u2019", "'").encode("latin-1", "manchette.fold").translate(_BYTE_FOLD)


def fold(text: str) -> str:
    """Fold a whole string into a lookup key: ``Zelenskyy`` -> ``zelenskyy``.

    Used for facet keys (sources, persons) so that case, accents and
    punctuation variants collapse to one value.
    """
    words = (fold_word(m.group()) for m in WORD_RE.finditer(text))
    return " ".join(w for w in words if w)


class _Stemmer:
    """Official Snowball French, the algorithm Lucene's SnowballPorterFilter runs.

    (Whoosh's own port stems a few words differently: ``yaris``.) A Snowball
    stemmer is not safe to share between threads, so calls are serialised;
    the word cache makes them rare.
    """

    def __init__(self):
        self._stemmer = Stemmer("french")
        self._lock = threading.Lock()

    def __call__(self, word: str) -> str:
        with self._lock:
            return self._stemmer.stemWord(word)


class _WordCache(dict):
    """Maps a raw token to its final form (or None when it is dropped), computed on first sight.

    Natural text reuses a small vocabulary, so caching turns the expensive
    unidecode + Snowball steps into a dict lookup for almost every token: a
    dict whose ``__missing__`` computes, so that a text's lookups can be one
    ``map`` run in C.
    """

    def __init__(self, stem: bool, stop: bool):
        super().__init__()
        self.stem = _Stemmer() if stem else None
        self.stop = stop

    def __call__(self, raw: str) -> str | None:
        return self[raw]

    def __missing__(self, raw: str) -> str | None:
        word = fold_word(raw)
        if not word or (self.stop and word in STOP_WORDS):
            result = None
        elif self.stem is not None and not word.isdigit():
            result = self.stem(word) or word
        else:
            result = word
        if len(self) > _CACHE_LIMIT:
            self.clear()
        self[raw] = result
        return result


# Articles whose language is unknown are more likely French than anything
# else in a French archive, so they get the French chain too.
FRENCH_CHAIN_LANGS = frozenset({"fr", "und", None})


class Chain:
    """The analysis of one kind of field: words cut from the text, each to its indexed form.

    Text in another language than French is folded but neither stop-listed
    nor stemmed with French rules. Engines index with this chain (Whoosh
    calls it; the SolrCloud schema reproduces it, and tests hold both equal).
    """

    def __init__(self, stem: bool, stop: bool):
        self.stem = stem
        self.stop = stop
        self._caches = {True: _WordCache(stem, stop), False: _WordCache(False, False)}
        self._recent = _Recent()

    def tokens(self, text: str, lang: str | None = "fr") -> Iterator[tuple[str, int, int]]:
        """(term, start, end) of each indexed word, ``start:end`` its place in ``text``."""
        cache = self._caches[lang in FRENCH_CHAIN_LANGS]
        for match in WORD_RE.finditer(text):
            term = cache(match.group())
            if term is not None:
                yield term, match.start(), match.end()

    def term_list(self, text: str, lang: str | None = "fr") -> list[str]:
        """The indexed terms of ``text`` in order, for indexing whole fields: :meth:`tokens` without the
        offsets, one regex pass and the words looked up in C (a generator step a word costs six times
        more). Dropped words map to None; no term is empty."""
        french = lang in FRENCH_CHAIN_LANGS
        found = self._recent.get((text, french))
        if found is None:
            found = list(filter(None, map(self._caches[french].__getitem__, _words(text))))
            self._recent.keep((text, french), found)
        return list(found)      # a copy: what a caller does with it must not change the kept one


class _Recent(dict):
    """What was made of the last :data:`RECENT_TEXTS` texts: their words, a chain's terms.

    The indexer analyses each text more than once: a field's stemmed and
    exact forms are indexed from the same text, and a part's topics are
    found from its articles' stemmed titles and bodies just before the part
    is indexed (``indexer.pipeline``). Cutting the words is half of
    analysing a text, looking them up the other half.
    """

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()

    def keep(self, key, value) -> None:
        with self._lock:     # the oldest is found by iterating, which another thread's insert breaks
            if len(self) >= RECENT_TEXTS:
                del self[next(iter(self))]
            self[key] = value


_recent_words = _Recent()


def _words(text: str) -> list[str]:
    """``WORD_RE.findall(text)``, kept for the next calls (the list is shared: not to be changed)."""
    words = _recent_words.get(text)
    if words is None:
        words = WORD_RE.findall(text)
        _recent_words.keep(text, words)
    return words


STEMMED = Chain(stem=True, stop=True)      # title, body, comments
FOLDED = Chain(stem=False, stop=False)     # exact forms, phrases, person names


def terms(text: str, stem: bool = True, lang: str | None = "fr") -> list[str]:
    """The indexed terms of ``text``: what a query word or a phrase becomes."""
    return (STEMMED if stem else FOLDED).term_list(text, lang)
