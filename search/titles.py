"""The title an article is shown under, when its record has none.

Real exports often carry no headline. Such an article is still listed,
linked and exported under a *display title* derived, in this order, from:

* ``record`` — the record's own title (readers already take a page's or a
  record's metadata headline: ``og:title``, JSON-LD, ``extra.headline``);
* ``url`` — the slug of its address
  (``…/01-5207383-gilets-jaunes-la-colere-monte.php`` -> « Gilets jaunes : la
  colère monte » when the body writes it so; the body's spelling restores
  accents, capitals and punctuation, since a slug has lost them);
* ``text`` — the first sentence of its text, without a leading dateline
  (``PARIS (AFP) -``), cut at a word to at most :data:`MAX_CHARS`.

Nothing here is stored: the index keeps the record's (empty) title, and the
derived one is computed from the stored title, URL and body whenever an
article is summarised, by whichever engine holds them.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from .analysis import ELISIONS, STOP_WORDS, fold_in_place, fold_word

MAX_CHARS = 110
ELLIPSIS = "…"
UNTITLED = "Sans titre"          # only for an article with neither URL slug nor text
SLUG_MIN_WORDS = 3               # fewer is a section name (vaud-regions) or an id, not a headline
BODY_LOOKUP_CHARS = 1500         # the start of the text, where a headline's words are spelt out
PAGE_EXTENSIONS = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp|cfm)$", re.IGNORECASE)

# A dateline opens wire copy: "PARIS (AFP) -", "Genève (ATS) –", "Washington, 12 mars (AFP) —",
# "MONTRÉAL —". The dash is required, so "L'Association des peuples indigènes (APIB) a annoncé" stays.
_DATELINE = re.compile(
    r"^\s*(?:[^\W\d_][\w'’ .,/-]{0,60}?\s*\([^()\n]{1,40}\)|[^\W\d_a-z]{2,}(?:[ -][^\W\d_a-z]{2,})*)\s*[-–—]+\s+")
_SENTENCE_END = re.compile(r"[.!?…]+(?:\s?[\"»”)])*(?=\s|$)")
# Words a full stop follows without ending the sentence ("M. Macron", "Mme Borne" has none).
_ABBREVIATIONS = frozenset("m mm mme mmes mlle dr pr me mgr st ste gen col cdt lt av bd etc cf ex p vol no n".split())
_SLUG_SEPARATORS = re.compile(r"[\W_]+")     # hyphens, underscores, and any other punctuation
# What may stand between two of a slug's words where the body spells them out ("gilets jaunes : la").
_SLUG_GAP = re.compile(r"[\s'’:-]*")


class DisplayTitle(NamedTuple):
    text: str
    source: str          # record, url or text


def display_title(title: str | None, url: str | None, body: str | None) -> DisplayTitle:
    title = " ".join((title or "").split())
    if title:
        return DisplayTitle(title, "record")
    body = body or ""
    from_url = url_title(url, body)
    if from_url:
        return DisplayTitle(from_url, "url")
    return DisplayTitle(text_title(body) or UNTITLED, "text")


# --- from the URL ---------------------------------------------------------------------------------

def url_title(url: str | None, body: str = "") -> str | None:
    """The headline a URL's slug spells, in the body's own spelling where it has the words; None if none."""
    words = slug_words(url)
    if not words:
        return None
    return shorten(_capitalised(_spelt_out(_without_tag(words, body), body[:BODY_LOOKUP_CHARS])))


def slug_words(url: str | None) -> list[str]:
    """The words of the path segment that reads most like a headline (ids, dates, extensions dropped)."""
    if not url:
        return []
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return []
    path = parts.path
    if not (parts.netloc or path.startswith("/")):      # not an address
        return []
    best: list[str] = []
    for segment in path.split("/"):
        words = _segment_words(unquote(segment))
        if len(words) >= len(best):
            best = words
    return best if len(best) >= SLUG_MIN_WORDS else []


def _segment_words(segment: str) -> list[str]:
    tokens = [t for t in _SLUG_SEPARATORS.split(PAGE_EXTENSIONS.sub("", segment)) if t]
    # Ids and dates lead or trail a slug (01-5207383-…, …-CNT000001rj1HC, …_5407383_3224).
    while tokens and _has_digit(tokens[0]):
        tokens.pop(0)
    while tokens and _has_digit(tokens[-1]):
        tokens.pop()
    if not tokens or any(_looks_like_id(t) for t in tokens):
        return []
    return [t.lower() for t in tokens]


def _has_digit(token: str) -> bool:
    return any(c.isdigit() for c in token)


def _looks_like_id(token: str) -> bool:
    # Years (2019) and model names (xdrive25e, 4matic) are words; 5207383 and a1b2c3d4e5 are not.
    return sum(c.isdigit() for c in token) >= 5


def _without_tag(words: list[str], body: str) -> list[str]:
    """The slug without a last word that the text never uses: a site's tag (most of Orange's end with ``magic``).

    Kept when the word before it could not end a headline (``…font-monter-les-encheres``).
    """
    if not body or len(words) <= SLUG_MIN_WORDS or fold_word(words[-2]) in STOP_WORDS:
        return words
    # Only whether the word is there: accents can go with their offsets.
    text = unicodedata.normalize("NFKD", body.lower()).encode("ascii", "ignore").decode()
    return words if next(_occurrences(fold_word(words[-1]), text), None) else words[:-1]


def _spelt_out(words: list[str], body: str) -> str:
    """The slug's words as the body writes them.

    Runs of two or more of the slug's words found together in the body are
    taken as written there, punctuation included (« gilets jaunes : la colère
    monte »): in context, ``a`` is « à » or « a » and ``adopte`` « adopte » or
    « adopté ». A word found only alone takes its usual spelling in the body.
    """
    folded = fold_in_place(body)
    if len(folded) != len(body):          # offsets would not hold: the slug as it is
        return _joined(words)
    keys = [fold_word(w) for w in words]
    places = {key: list(_occurrences(key, folded)) for key in set(keys)}
    pieces, i = [], 0
    while i < len(keys):
        length, (start, end) = _longest_run(keys[i:], places[keys[i]], folded)
        seen = Counter(body[a:b] for a, b in places[keys[i]])
        if length >= 2:
            # Only its first word may be capitalised for starting a sentence.
            first_end = start + len(keys[i])
            pieces.append(" ".join((_usual_form(seen, body[start:first_end]) + body[first_end:end]).split()))
        else:
            pieces.append(_usual_form(seen, words[i]))
        i += max(length, 1)
    return _joined(pieces)


def _occurrences(key: str, folded: str):
    """(start, end) of every whole-word occurrence of ``key`` in ``folded``."""
    start = folded.find(key)
    while start >= 0:
        end = start + len(key)
        if _is_word_at(folded, start, end):
            yield start, end
        start = folded.find(key, start + 1)


def _is_word_at(text: str, start: int, end: int) -> bool:
    return (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum())


def _longest_run(keys: list[str], starts: list[tuple[int, int]], folded: str) -> tuple[int, tuple[int, int]]:
    """How many of ``keys``, from the first, ``folded`` has in a row (from one of ``starts``), and where."""
    best, span = 0, (0, 0)
    for start, end in starts:
        length = 1
        while length < len(keys):
            following = _SLUG_GAP.match(folded, end).end()
            if not (folded.startswith(keys[length], following)
                    and _is_word_at(folded, following, following + len(keys[length]))):
                break
            length, end = length + 1, following + len(keys[length])
        if length > best:
            best, span = length, (start, end)
    return best, span


def _usual_form(seen: Counter, word: str) -> str:
    """The body's spelling of a word: as the slug has it if the body has that too, else the body's
    most frequent form, in lower case if it is ever written so (sentence starts are capitalised)."""
    if not seen:
        return word
    lower = [form for form, _ in seen.most_common() if form == form.lower()]
    if word.lower() in lower:
        return word.lower()
    return lower[0] if lower else seen.most_common(1)[0][0]


def _joined(words: list[str]) -> str:
    """Words (or runs of them) with spaces, an elided article joined to the next word (l otan -> l'OTAN)."""
    out = ""
    for i, word in enumerate(words):
        out += word
        if i + 1 < len(words):
            last = word.rsplit(" ", 1)[-1].lower()
            out += "'" if last in ELISIONS and last != "t" else " "
    return out


# --- from the text --------------------------------------------------------------------------------

def text_title(body: str) -> str:
    """The first sentence of the text's first paragraph with letters, without its dateline, shortened."""
    for paragraph in body.split("\n"):
        paragraph = " ".join(_DATELINE.sub("", paragraph.strip(), count=1).split())
        if any(c.isalpha() for c in paragraph):
            return shorten(_capitalised(first_sentence(paragraph)))
    return ""


def first_sentence(text: str) -> str:
    for end in _SENTENCE_END.finditer(text):
        before = text[:end.start()].rsplit(" ", 1)[-1]
        if end.group().startswith(".") and (before.lower() in _ABBREVIATIONS or _is_initial(before)):
            continue
        if text[end.end():].lstrip()[:1].islower():       # « Partons ! » lance-t-il: not an end
            continue
        sentence = text[:end.end()]
        # A headline has no final full stop; ? ! and … say something.
        return sentence[:-1] if sentence.endswith(".") and not sentence.endswith("..") else sentence
    return text


def _is_initial(word: str) -> bool:
    return len(word) == 1 and word.isalpha()       # J. Dupont


def shorten(text: str, limit: int = MAX_CHARS) -> str:
    """``text`` if short enough, else cut at a word with an ellipsis (``limit`` characters at most)."""
    if len(text) <= limit:
        return text
    cut = text[:limit - len(ELLIPSIS) + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > 0 else cut[:-1]
    return cut.rstrip(" ,;:–—-«\"“(") + ELLIPSIS


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
