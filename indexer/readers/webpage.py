"""One saved web page (bytes) to an Article: shared by the HTML and WARC readers.

trafilatura finds the main text and the reader comments; the page's own
explicit metadata (``og:*``, ``article:*``, ``<meta property="publisher">``,
JSON-LD ``NewsArticle``) wins over its guesses because publishers state there
exactly what they print, and htmldate is only the fallback for the date.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import datetime
from html import unescape
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import set_date_params

from search.analysis import fold
from search.dates import parse_iso
from search.document import Article

from .base import Problem
from .decoding import DecodeError, decode

# Looked for in the raw bytes, before decoding: <meta charset=..> or http-equiv.
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
SNIFF_BYTES = 4096

ARTICLE_TYPES = {"Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
                 "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "Report",
                 "BlogPosting", "LiveBlogPosting", "SocialMediaPosting"}

# "AFP, publié le jeudi 18 juin 2020 à 13h41": a byline, not article text.
BYLINE = re.compile(r"\b(publi[ée]e?|mise? à jour|modifi[ée]e?|actualis[ée]e?|published|updated)\b"
                    r".*\d", re.I)
BYLINE_MAX_CHARS = 200

# "Titre - Le Monde", "Le Monde | Titre", "Titre :: Le Monde": how a site name is tacked on.
TITLE_SEPARATOR = re.compile(r"(\s+(?:[-|–—·/»]|::?)\s+)")

# A page with no article metadata holding this many <article> blocks is a list of teasers.
LISTING_MIN_ITEMS = 3

# htmldate gives a time too when the page has one.
DATE_PARAMS = {**set_date_params(extensive=True), "outputformat": "%Y-%m-%dT%H:%M:%S%z"}


def article_from_page(data: bytes, *, article_id: str, location: str, origin: str,
                      url: str | None = None, charset: str | None = None,
                      captured: datetime | None = None) -> Article | Problem:
    """The article in one HTML document, or a Problem saying why there is none.

    ``url``, ``charset`` and ``captured`` are what the container knows (e.g. a
    WARC record's target URI, HTTP charset and capture date); the page's own
    metadata takes precedence over them.
    """
    try:
        text = decode(data, charset or _declared_charset(data))
    except DecodeError as exc:
        return Problem(location, str(exc))
    tree = trafilatura.load_html(text)
    if tree is None:
        return Problem(location, "not an HTML page")
    meta = PageMeta(tree, url)
    found = trafilatura.bare_extraction(
        tree, url=meta.url or url, with_metadata=True, favor_precision=True,
        include_comments=True, date_extraction_params=DATE_PARAMS)
    title = meta.title or _clean(found.title if found else "")
    body = _main_text(found.text if found else "", title)
    if not body:
        return Problem(location, "no article text found")
    if meta.listing:
        return Problem(location, f"not an article: a list of {meta.listing} articles")
    source = meta.source or (found.sitename and _clean(found.sitename))
    comments = _paragraphs(found.comments or "")
    return Article(
        id=article_id,
        title=title,     # none: search.titles derives the one to show
        body=body,
        source=source or None,
        published=meta.published or _parse_date(found.date) or captured,
        url=meta.url or url or found.url,
        lang=meta.lang,
        author=_distinct(meta.author or found.author, source),
        section=meta.section or (found.categories[0] if found.categories else None),
        tags=meta.tags or list(found.tags or []),
        comments=comments,
        comment_count=(meta.comment_count or _count_comments(tree)) if comments else 0,
        origin=origin,
        captured=captured,
    )


class PageMeta:
    """What the page states about itself, in its meta tags and JSON-LD."""

    def __init__(self, tree: HtmlElement, base_url: str | None):
        self._meta = _meta_tags(tree)
        self._ld = _json_ld_article(tree)
        self.source = (self._name("publisher", "article:publisher", "dc.publisher")
                       or _clean(_ld_text(self._ld.get("publisher"))))
        self.author = (self._name("article:author", "author", "dc.creator")
                       or _clean(_ld_text(self._ld.get("author"))))
        self.published = _first_date([*self._meta.get("article:published_time", []),
                                      _ld_text(self._ld.get("datePublished"))])
        self.section = self._name("article:section") or _clean(_ld_text(self._ld.get("articleSection")))
        self.tags = self._meta.get("article:tag") or _keywords(self._ld.get("keywords"))
        self.url = _absolute(base_url, self._first("og:url") or _canonical(tree)
                             or _ld_text(self._ld.get("url")) or _ld_text(self._ld.get("mainEntityOfPage")))
        self.lang = _language(tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
                              or self._first("og:locale", "content-language", "language")
                              or _ld_text(self._ld.get("inLanguage")))
        self.comment_count = _int(self._first("commentcount") or _ld_text(self._ld.get("commentCount")))
        self.listing = 0 if self._is_article(tree) else _teaser_count(tree)
        headline = self._name("og:title", "twitter:title") or _clean(_ld_text(self._ld.get("headline")))
        document_title = _clean(" ".join(tree.xpath("//head/title//text()")))
        self.title = _page_title(document_title, headline, self._site_keys())

    def _site_keys(self) -> set[str]:
        """Every way the page names its site, folded: ``Le Monde``, ``lemonde.fr``, ``lemonde``."""
        host = (urlsplit(self.url or "").hostname or "").removeprefix("www.")
        labels = host.split(".")
        # lemonde.fr, lemonde; actu.orange.fr, actu.orange, orange
        names = [self.source, self._first("og:site_name", "application-name"),
                 host, ".".join(labels[:-1]), labels[-2] if len(labels) > 1 else ""]
        return {key.replace(" ", "") for key in map(fold, filter(None, names)) if key}

    def _first(self, *keys: str) -> str | None:
        return next((values[0] for key in keys if (values := self._meta.get(key))), None)

    def _name(self, *keys: str) -> str | None:
        """The first stated name: ``article:author`` or ``article:publisher`` may be a profile link."""
        for key in keys:
            for value in self._meta.get(key, []):
                if not value.startswith(("http://", "https://", "//")):
                    return value
        return None

    def _is_article(self, tree: HtmlElement) -> bool:
        return bool(self._ld or self.published or self._first("og:type") == "article"
                    or tree.xpath('//*[@itemprop="articleBody"]'))


def _meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    """``<meta property|name=... content=...>`` by lower-case key, whitespace-collapsed.

    Unescaped once more: CMSs often escape twice (``&amp;quot;`` shows as ``&quot;``).
    """
    found: dict[str, list[str]] = defaultdict(list)
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("http-equiv")
        value = _clean(unescape(element.get("content") or ""))
        if key and value:
            found[key.strip().lower()].append(value)
    return found


def _json_ld_article(tree: HtmlElement) -> dict:
    """The page's first JSON-LD object of an article type, or {}."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content())
        except ValueError:
            continue
        for item in _json_ld_objects(data):
            types = item.get("@type")
            if ARTICLE_TYPES.intersection(types if isinstance(types, list) else [types]):
                return item
    return {}


def _json_ld_objects(data):
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _json_ld_objects(data.get("@graph", []))


def _ld_text(value) -> str:
    """A JSON-LD value as text: names of persons/organisations, @id of pages."""
    if isinstance(value, list):
        return ", ".join(filter(None, map(_ld_text, value)))
    if isinstance(value, dict):
        return _ld_text(value.get("name") or value.get("@id") or "")
    return value if isinstance(value, str) else ""


def _keywords(value) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [word for word in (_clean(str(item)) for item in items) if word]


def _canonical(tree: HtmlElement) -> str | None:
    hrefs = tree.xpath('//link[@rel="canonical"]/@href')
    return hrefs[0].strip() if hrefs else None


def _absolute(base: str | None, url: str | None) -> str | None:
    if not url:
        return None
    url = urljoin(base or "", url.strip())
    return url if url.startswith(("http://", "https://")) else None


def _language(value: str | None) -> str | None:
    """``fr_FR``, ``fr-FR`` -> ``fr``."""
    code = re.split(r"[-_]", (value or "").strip())[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _page_title(document: str, headline: str | None, site_keys: set[str]) -> str | None:
    """The ``<title>`` without the site's name, when it starts with the stated headline.

    The document title is the page's whole title as the publisher wrote it
    (``og:title`` is often a shortened form for social cards), but a generic
    one (``Accueil``) or one led by a section name loses to the headline.
    """
    title, headline = (_without_site_name(text, site_keys) for text in (document, headline or ""))
    if not headline:
        return title or None
    return title if title.casefold().startswith(headline.casefold()) else headline


def _without_site_name(title: str, site_keys: set[str]) -> str:
    """``Titre - Le Monde`` and ``Le Monde | Titre`` -> ``Titre``; other segments stay."""
    parts = TITLE_SEPARATOR.split(title)   # segment, separator, segment, ...
    if len(parts) > 1 and _names_site(parts[-1], site_keys):
        parts = parts[:-2]
    if len(parts) > 1 and _names_site(parts[0], site_keys):
        parts = parts[2:]
    return "".join(parts)


def _names_site(segment: str, site_keys: set[str]) -> bool:
    return fold(segment).replace(" ", "") in site_keys


def _teaser_count(tree: HtmlElement) -> int:
    teasers = len(tree.xpath("//article"))
    return teasers if teasers >= LISTING_MIN_ITEMS else 0


def _count_comments(tree: HtmlElement) -> int:
    """Comments marked as schema.org Comment or with the common ``comment`` class.

    At least one: the comment text was found even when its items are unmarked.
    """
    marked = tree.xpath('//*[contains(@itemtype, "schema.org/Comment")]'
                        '|//*[contains(concat(" ", normalize-space(@class), " "), " comment ")]')
    return max(len(marked), 1)


def _first_date(values: list[str]) -> datetime | None:
    for value in values:
        parsed = _parse_date(value)
        if parsed:
            return parsed
    return None


def _parse_date(value: str | None) -> datetime | None:
    return parse_iso(value) if value else None


def _int(value: str | None) -> int:
    return int(value) if value and value.strip().isdigit() else 0


def _distinct(author: str | None, source: str | None) -> str | None:
    """The author unless it only repeats the publisher (``AFP`` as both)."""
    author = _clean(author or "")
    if not author or (source and author.casefold() == source.casefold()):
        return None
    return author


def _main_text(text: str, title: str) -> str:
    """Paragraphs joined by blank lines, without a repeated headline or the byline."""
    paragraphs = _paragraphs(text).split("\n\n") if text else []
    if paragraphs and title and paragraphs[0].casefold() == title.casefold():
        paragraphs.pop(0)
    if paragraphs and len(paragraphs[0]) <= BYLINE_MAX_CHARS and BYLINE.search(paragraphs[0]):
        paragraphs.pop(0)
    return "\n\n".join(paragraphs)


def _paragraphs(text: str) -> str:
    return "\n\n".join(line for line in map(_clean, text.splitlines()) if line)


def _clean(text: str | None) -> str:
    """Whitespace runs (newlines, no-break spaces) to one space."""
    return " ".join((text or "").split())


def _declared_charset(data: bytes) -> str | None:
    match = META_CHARSET.search(data[:SNIFF_BYTES])
    return match.group(1).decode("ascii") if match else None
