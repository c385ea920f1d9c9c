"""The article: what readers produce, enrichment completes and the index stores."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Article:
    id: str
    title: str
    body: str
    source: str | None = None          # as printed; normalised by search.sources
    published: datetime | None = None  # timezone-aware, UTC
    date_text: str | None = None       # the date as printed, kept when no full date could be read
    url: str | None = None
    lang: str | None = None            # declared by the record; detection fills `lang` when absent
    author: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    comments: str = ""
    comment_count: int = 0
    origin: str = ""                   # absolute path of the file it came from (for --update)
    captured: datetime | None = None   # when a web archive captured the page: the latest capture wins
    # Filled by enrichment:
    persons: list[str] = field(default_factory=list)   # canonical names
    topics: list[str] = field(default_factory=list)    # taxonomy keys, main topic first
    agencies: list[str] = field(default_factory=list)  # agency keys credited (indexer.enrich.agencies)
    fingerprint: str = ""                              # what copy detection compares (indexer.enrich.copies)
    group: str = ""                                    # the story's group: copies share it
    representative: bool = False                       # the group's earliest (then longest) article
    extra: dict = field(default_factory=dict)

    def content_hash(self) -> str:
        """Changes whenever anything a reader extracted changes (for --update).

        ``lang`` is left out: enrichment overwrites it with the detected
        language, and the text it is detected from is already covered.
        """
        h = hashlib.blake2b(digest_size=16)
        for part in (self.title, self.body, self.source or "", self.published.isoformat() if self.published else "",
                     self.date_text or "", self.url or "", self.author or "",
                     self.section or "", "\x1f".join(self.tags), self.comments):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x1e")
        return h.hexdigest()
