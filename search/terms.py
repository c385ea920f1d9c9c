"""What a result set talks about: the words and two-word phrases that set its articles apart from the archive.

Measure: Dunning's log-likelihood ratio G² (Dunning 1993; the "keyness" of corpus
linguistics, Rayson & Garside 2000) on *article* counts: for each word, how many
matching articles use it against how many of the other articles of the archive
do. G² is the standard test for comparing two frequencies, it stays reliable for
the rare words that make a result set distinctive (where the chi-squared test
over-rates them), and on article counts one article repeating a word many times
weighs as one. Only words more frequent among the matches than elsewhere are
kept, used by at least :data:`MIN_ARTICLES` matching articles; stop words,
numbers and the query's own words (any form of their stem) are left out.

Engines provide two things (:class:`search.engine.Engine`): the bodies of the
best matches (:meth:`match_texts`) and archive-wide article counts of folded
words, and of articles holding both words of a pair (:meth:`document_frequencies`).
A phrase's archive count is the latter times the share of the articles read
holding both words that have them side by side: a phrase query per candidate
costs up to 50 ms on Whoosh, an intersection of posting lists a millisecond,
and for the set phrases that come up (``âge pivot``) the two are nearly equal;
where the words meet more often apart elsewhere, the estimate is high, so the
phrase scores lower, never higher. Above
:data:`SAMPLE` matches, the words are read in the :data:`SAMPLE` most relevant
ones (the JSON says so in ``sample``) and their counts among all matches are
estimated in proportion.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from .analysis import APOSTROPHES, ELISIONS, STOP_WORDS, WORD_RE, fold_word, terms as analysed
from .request import Facet, SearchRequest

SAMPLE = 100               # matching articles read, the most relevant first
MIN_ARTICLES = 3           # a word used by fewer matching articles says nothing about the set
TOP_TERMS = 20
WORD_CANDIDATES = 400      # words looked up archive-wide: those used by the most matching articles
PHRASE_CANDIDATES = 20     # phrases looked up archive-wide: those used by the most matching articles
TOP_VALUES = 8             # persons, sources and topics listed
MIN_LETTERS = 3
_ELIDED = re.compile(f"^(\\w+)[{APOSTROPHES}](.+)$")


@dataclass(frozen=True)
class MatchTexts:
    """What an engine reads of a search for this: the bodies of its best matches, and two sizes."""

    matches: int               # articles matching the request
    archive: int               # articles in the index
    texts: list[str]           # bodies of the first matches in the request's order


@dataclass
class KeyTerm:
    term: str                  # the most frequent written form among the matches
    count: int                 # matching articles (of those read) using it
    score: float               # G²
    kind: str                  # word or phrase

    def to_dict(self) -> dict:
        return {"term": self.term, "count": self.count, "score": round(self.score, 2), "kind": self.kind}


@dataclass
class Profile:
    terms: list[KeyTerm]
    matches: int
    read: int                  # matching articles read (all of them unless sampled)

    @property
    def sample(self) -> dict | None:
        if self.read >= self.matches:
            return None
        return {"size": self.read, "matches": self.matches, "order": "relevance"}


def g2(a: float, n1: float, b: float, n2: float) -> float:
    """Log-likelihood ratio of a frequency ``a`` of ``n1`` against ``b`` of ``n2`` (the 2×2 table's G²)."""
    total = n1 + n2
    both = a + b
    observed = ((a, n1 * both / total), (n1 - a, n1 * (total - both) / total),
                (b, n2 * both / total), (n2 - b, n2 * (total - both) / total))
    return 2 * sum(o * math.log(o / e) for o, e in observed if o > 0 and e > 0)


def _written(raw: str) -> str:
    """A word as written, without an elided article (``l’Élysée`` -> ``Élysée``)."""
    elided = _ELIDED.match(raw)
    return elided.group(2) if elided and fold_word(elided.group(1)) in ELISIONS else raw


_TOKENS: dict[str, tuple[str, str, str] | None] = {}
_TOKENS_LIMIT = 500_000


def _analysed(raw: str) -> tuple[str, str, str] | None:
    """A raw token's folded word, stem and written form (remembered: the vocabulary is small).

    None for a token that is never a key term (stop word, number, short word).
    """
    try:
        return _TOKENS[raw]
    except KeyError:
        pass
    word = fold_word(raw)
    stems = analysed(word) if len(word) >= MIN_LETTERS and not word.isdigit() and word not in STOP_WORDS else []
    if len(_TOKENS) > _TOKENS_LIMIT:
        _TOKENS.clear()
    known = _TOKENS[raw] = (word, stems[0], _written(raw)) if stems else None
    return known


class _Counts:
    """Articles using each word and each pair of adjacent words, and how each is written.

    Works on each text's raw tokens counted at C speed (``Counter``), so that folding and the
    checks run once per distinct token of an article, not once per occurrence. A phrase is shown
    as its words' most frequent spellings, an elided article kept inside it.
    """

    def __init__(self, query: str):
        self.excluded = set(analysed(query))       # the query's stems
        self.words: Counter[str] = Counter()
        self.articles: list[set[str]] = []                               # each article's words
        self.phrases: Counter[tuple[str, str]] = Counter()
        self.forms: dict[str, Counter[str]] = defaultdict(Counter)     # word -> spellings, elided article off
        self.raw_forms: dict[str, Counter[str]] = defaultdict(Counter)  # word -> spellings as written

    def add(self, text: str) -> None:
        raws = WORD_RE.findall(text)
        words = {}
        for raw, times in Counter(raws).items():
            known = _analysed(raw)
            if known is None or known[1] in self.excluded:      # the query's own words say nothing new
                words[raw] = None
                continue
            word = words[raw] = known[0]
            self.forms[word][known[2]] += times
            self.raw_forms[word][raw] += times
        sequence = [words[raw] for raw in raws]
        self.articles.append(set(words.values()) - {None})
        self.words.update(self.articles[-1])
        self.phrases.update({pair for pair in zip(sequence, sequence[1:]) if pair[0] and pair[1]})

    def together(self, gram: tuple[str, ...]) -> int:
        """Articles read that hold every word of ``gram``, next to each other or not."""
        return sum(1 for words in self.articles if words.issuperset(gram))

    def written(self, gram: tuple[str, ...]) -> str:
        """The most frequent spelling of a word, or of each word of a phrase (``pouvoir d’achat``)."""
        first, *rest = gram
        return " ".join([self.forms[first].most_common(1)[0][0],
                         *(self.raw_forms[word].most_common(1)[0][0] for word in rest)])


def key_terms(engine, req: SearchRequest, n: int = TOP_TERMS) -> Profile:
    """The words and phrases of ``req``'s matches most over-represented against the rest of the archive."""
    read = engine.match_texts(replace(req, sort="relevance", page=1), SAMPLE)
    counts = _Counts(req.query)
    for text in read.texts:
        counts.add(text)
    sampled, rest = len(read.texts), read.archive - read.matches
    if not sampled or rest <= 0:
        return Profile([], read.matches, sampled)
    words = [((w,), c) for w, c in counts.words.most_common(WORD_CANDIDATES) if c >= MIN_ARTICLES]
    phrases = [(p, c) for p, c in counts.phrases.most_common(PHRASE_CANDIDATES) if c >= MIN_ARTICLES]
    grams = words + phrases
    frequencies = engine.document_frequencies([gram for gram, _ in grams])
    scale = read.matches / sampled
    found = []
    for (gram, count), archive_count in zip(grams, frequencies):
        if len(gram) > 1:
            # The archive's count of a phrase, from the articles holding its words anywhere, as often
            # side by side as in the articles read (the words of a set phrase rarely meet otherwise).
            archive_count *= count / counts.together(gram)
        elsewhere = min(max(archive_count - count * scale, 0.0), rest)
        if count / sampled <= elsewhere / rest:
            continue        # not more frequent among the matches
        found.append(KeyTerm(counts.written(gram), count, g2(count, sampled, elsewhere, rest),
                             "word" if len(gram) == 1 else "phrase"))
    found.sort(key=lambda t: (-t.score, t.term))
    return Profile(found[:n], read.matches, sampled)


def co_occurring(facets: dict[str, Facet], n: int = TOP_VALUES) -> dict[str, list[dict]]:
    """The persons, sources and topics most matches have, the ones already selected left out."""
    return {f"{name}s": [{"value": v.value, "count": v.count} for v in facets[name].values
                         if v.count and not v.selected][:n]
            for name in ("person", "source", "topic")}


def document(profile: Profile, facets: dict[str, Facet]) -> dict:
    """The JSON of /api/terms."""
    return {"terms": [t.to_dict() for t in profile.terms], **co_occurring(facets), "matches": profile.matches,
            "sample": profile.sample}
