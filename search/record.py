"""An article as every engine stores it, and back.

Facet fields hold folded keys (``bfmtv``, ``donald trump``), lists are lists,
dates are naive UTC. Each engine only changes the representation (Whoosh
joins lists with commas; Solr has multi-valued fields).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from .analysis import fold
from .document import Article
from .sources import normalize_source


@dataclass
class Record:
    id: str
    title: str = ""
    body: str = ""
    comments: str = ""
    comment_count: int = 0
    source: str = ""                   # key
    source_name: str = ""              # as printed
    published: datetime | None = None  # naive UTC
    date_text: str = ""
    url: str = ""
    lang: str = "und"
    person: list[str] = field(default_factory=list)        # keys of the canonical names
    person_names: list[str] = field(default_factory=list)  # every known spelling, for queries
    topic: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    section: str = ""
    author: str = ""
    origin: str = ""                   # the file it was read from (--update removes under roots)
    content_hash: str = ""
    agency: list[str] = field(default_factory=list)        # agency keys
    group: str = ""                    # copies of one story share it
    representative: bool = False
    fingerprint: str = ""              # kept for --update's copy detection


def record_of(article: Article, person_variants: dict[str, list[str]] | None = None) -> Record:
    variants = person_variants or {}
    source = normalize_source(article.source)
    return Record(
        id=article.id, title=article.title, body=article.body, comments=article.comments,
        comment_count=article.comment_count, source=source[0] if source else "",
        source_name=article.source or "",
        published=article.published.replace(tzinfo=None) if article.published else None,
        date_text=article.date_text or "", url=article.url or "", lang=article.lang or "und",
        person=[fold(p) for p in article.persons],
        person_names=[v for p in article.persons for v in variants.get(p, [p])],
        topic=list(article.topics), tags=list(article.tags), section=article.section or "",
        author=article.author or "", origin=article.origin, content_hash=article.content_hash(),
        agency=list(article.agencies), group=article.group, representative=article.representative,
        fingerprint=article.fingerprint)


def article_of(record: Record) -> Article:
    """The Article a record was made from; ``persons`` stays empty (the record holds keys, not names)."""
    return Article(
        id=record.id, title=record.title, body=record.body, source=record.source_name or None,
        published=record.published.replace(tzinfo=timezone.utc) if record.published else None,
        date_text=record.date_text or None, url=record.url or None, lang=record.lang,
        author=record.author or None, section=record.section or None, tags=record.tags,
        comments=record.comments, comment_count=record.comment_count, origin=record.origin,
        topics=record.topic, agencies=record.agency, fingerprint=record.fingerprint, group=record.group,
        representative=record.representative)
