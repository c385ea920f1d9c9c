"""French text analysis: one chain for indexing and for queries.

Tokens are cut from the original text (so character offsets stay valid for
highlighting), then each token is normalised: NFKC, accent and ligature
folding with unidecode, lower case, elision removal, stop words, and French
stemming. Folding comes *before* stemming: the Snowball stemmer treats
``sécurité`` and ``securite`` differently, so stemming unfolded text would make
unaccented queries miss.

The analyzers are pickled into the Whoosh index, so the classes here must keep
their module path (``search.analysis``).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode
from whoosh.analysis import Composable, Filter, Token, Tokenizer
from whoosh.lang.snowball.french import FrenchStemmer

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


def normalize(text: str) -> str:
    """NFKC plus one apostrophe: the form every other step expects."""
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHE_TABLE)


def strip_elision(word: str) -> str:
    head, sep, tail = word.partition("'")
    if sep and tail and head in ELISIONS:
        return tail
    return word


@lru_cache(maxsize=262144)  # person extraction folds the same few words very often
def fold_word(word: str) -> str:
    """One token to its folded form: accents, ligatures, case, elision."""
    folded = unidecode(normalize(word)).lower()
    # An elided article goes (l'etat -> etat); other apostrophes just vanish (aujourd'hui).
    folded = strip_elision(folded)
    return folded.replace("'", "")


def fold_chars(text: str) -> str:
    """Lower case, accents and apostrophes folded character for character, so that offsets hold.

    Letters that fold to several (``œ``) stay as they are; callers check the
    length when ``lower()`` might change it.
    """
    return text.lower().translate(_ONE_TO_ONE)


def fold(text: str) -> str:
    """Fold a whole string into a lookup key: ``Zelenskyy`` -> ``zelenskyy``.

    Used for facet keys (sources, persons) so that case, accents and
    punctuation variants collapse to one value.
    """
    words = (fold_word(m.group()) for m in WORD_RE.finditer(text))
    return " ".join(w for w in words if w)


class _WordCache:
    """Maps a raw token to its final form (or None when it is dropped).

    Natural text reuses a small vocabulary, so caching turns the expensive
    unidecode + Snowball steps into a dict lookup for almost every token.
    """

    def __init__(self, stem: bool, stop: bool):
        self.stem = FrenchStemmer().stem if stem else None
        self.stop = stop
        self.map: dict[str, str | None] = {}

    def __call__(self, raw: str) -> str | None:
        try:
            return self.map[raw]
        except KeyError:
            pass
        word = fold_word(raw)
        if not word or (self.stop and word in STOP_WORDS):
            result = None
        elif self.stem is not None and not word.isdigit():
            result = self.stem(word) or word
        else:
            result = word
        if len(self.map) > _CACHE_LIMIT:
            self.map.clear()
        self.map[raw] = result
        return result


class FrenchTokenizer(Tokenizer):
    """Tokenizer + folding + (optionally) stop words and stemming, fused.

    One fused step is much faster than a chain of Whoosh filters, and every
    field that needs French text goes through exactly this code. A value may
    be a :class:`LangText`; text in another language is folded but neither
    stop-listed nor stemmed with French rules.
    """

    def __init__(self, stem: bool = True, stop: bool = True):
        self.stem = stem
        self.stop = stop
        self._caches = None

    def __eq__(self, other):
        return (
            isinstance(other, FrenchTokenizer)
            and self.stem == other.stem
            and self.stop == other.stop
        )

    def __getstate__(self):
        return {"stem": self.stem, "stop": self.stop}

    def __setstate__(self, state):
        self.__init__(**state)

    def _cache(self, french: bool) -> _WordCache:
        if self._caches is None:
            self._caches = {
                True: _WordCache(self.stem, self.stop),
                False: _WordCache(False, False),
            }
        return self._caches[french]

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        # Text in another language is only folded: French stop words and stems would mangle it.
        french = getattr(value, "lang", "fr") in FRENCH_CHAIN_LANGS
        cache = self._cache(french)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for match in WORD_RE.finditer(value):
            text = cache(match.group())
            if text is None:
                continue
            token.text = text
            token.stopped = False
            token.boost = 1.0
            if keeporiginal:
                token.original = match.group()
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            pos += 1
            yield token


# Articles whose language is unknown are more likely French than anything
# else in a French archive, so they get the French chain too.
FRENCH_CHAIN_LANGS = frozenset({"fr", "und", None})


class LangText(str):
    """Article text tagged with its language, so the analyzer can choose a chain."""

    lang: str | None = "fr"

    def __new__(cls, text: str, lang: str | None):
        obj = super().__new__(cls, text)
        obj.lang = lang
        return obj

    def __reduce__(self):
        return (LangText, (str(self), self.lang))


class _Passthrough(Filter):
    """Whoosh wants an Analyzer object (tokenizer | filters); this is the no-op filter."""

    def __call__(self, tokens):
        return tokens


def french_analyzer() -> Composable:
    """Stemmed chain: the main fields (title, body, comments)."""
    return FrenchTokenizer(stem=True, stop=True) | _Passthrough()


def folding_analyzer() -> Composable:
    """Unstemmed, stop words kept: exact forms and exact phrases."""
    return FrenchTokenizer(stem=False, stop=False) | _Passthrough()


_FRENCH = FrenchTokenizer(stem=True, stop=True)
_FOLDING = FrenchTokenizer(stem=False, stop=False)


def terms(text: str, stem: bool = True) -> list[str]:
    """The indexed terms of ``text``: what a query word or a phrase becomes."""
    tokenizer = _FRENCH if stem else _FOLDING
    return [t.text for t in tokenizer(text)]
