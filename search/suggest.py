"""“Did you mean”: a misspelt query word replaced by a word of the archive.

A word is suspect when (almost) no article has it, in any form. Candidates
are the archive's words within one or two edits (Whoosh's ``terms_within`` on
the unstemmed body lexicon), the closest first, then the most frequent. The
index holds folded words (``election``); the correction is shown the way the
articles usually write it (``élection``), read from a few articles using it.
"""
from __future__ import annotations

from collections import Counter
from itertools import islice

from .analysis import WORD_RE, fold_word, normalize, terms

FIELD = "body_exact"
SUSPECT_BELOW = 2          # a word in fewer articles than this may be misspelt
SAMPLE_DOCS = 5            # articles read to find a word's usual spelling
MIN_LENGTH = 3


def corrections(reader, words: list[str]) -> dict[int, str]:
    """Position in ``words`` -> replacement, for the words that look misspelt."""
    found = {}
    for position, word in enumerate(words):
        folded = terms(word, stem=False)
        if len(folded) != 1 or len(folded[0]) < MIN_LENGTH or folded[0].isdigit() or _known(reader, word, folded[0]):
            continue
        best = _closest(reader, folded[0])
        if best is not None:
            found[position] = display_form(reader, best)
    return found


def _known(reader, word: str, folded: str) -> bool:
    stemmed = terms(word, stem=True)
    frequency = reader.doc_frequency(FIELD, folded) + reader.doc_frequency("title_exact", folded)
    if stemmed:
        frequency += reader.doc_frequency("body", stemmed[0])
    return frequency >= SUSPECT_BELOW


def _closest(reader, folded: str) -> str | None:
    maxdist = 1 if len(folded) <= 4 else 2
    candidates = [t for t in reader.terms_within(FIELD, folded, maxdist, prefix=1) if t != folded]
    if not candidates:
        return None
    scored = [(distance(folded, t), -reader.doc_frequency(FIELD, t), t) for t in candidates]
    _, minus_frequency, best = min(scored)
    return best if -minus_frequency >= SUSPECT_BELOW else None


def distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit (``electoin``)."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def display_form(reader, folded: str) -> str:
    """The spelling most articles use for a folded word (accents restored), else the word."""
    spellings: Counter[str] = Counter()
    if (FIELD, folded) not in reader:
        return folded
    for docnum in islice(reader.postings(FIELD, folded).all_ids(), SAMPLE_DOCS):
        for match in WORD_RE.finditer(reader.stored_fields(docnum).get("body", "")):
            word = normalize(match.group()).rpartition("'")[2]     # "l'élection" -> "élection"
            if fold_word(word) == folded:
                spellings[word] += 1
    if not spellings:
        return folded
    lower: Counter[str] = Counter()
    for spelling, count in spellings.items():
        # Sentence starts capitalise common words: keep capitals only for names.
        lower[spelling if spelling[:1].isupper() and spelling.lower() not in spellings else spelling.lower()] += count
    return lower.most_common(1)[0][0]
