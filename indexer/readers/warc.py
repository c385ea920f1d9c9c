"""Web archives (``.warc``, ``.warc.gz``): every captured HTML page is one article.

Only successful HTML captures (HTTP 200) are read; other captures (redirects,
errors, images, scripts, revisits) are reported as skipped. ``warcinfo``,
``request`` and ``metadata`` records describe captures rather than hold one,
so they pass silently. A damaged or truncated archive yields what comes before
the damage and one Problem giving the offset where reading stopped.
"""
from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.utils import BUFF_SIZE

from search.dates import parse_iso
from search.document import Article

from .base import Problem
from .webpage import article_from_page

SUFFIXES = (".warc",)

CAPTURES = ("response", "resource", "revisit")
HTML_TYPES = ("text/html", "application/xhtml+xml")
CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
UNSAFE = re.compile(r"[^A-Za-z0-9._/-]")
GZIP_MAGIC = b"\x1f\x8b"

# What warcio raises on a cut or corrupt file: zlib for a broken gzip member,
# AttributeError when a cut header lacks the target URI.
DAMAGE = (ArchiveLoadFailed, EOFError, zlib.error, ValueError, AttributeError)


class Damaged(Exception):
    """A record that cannot be trusted: cut short, or not WARC at all."""


def read(path: Path, relative: str) -> Iterator[Article | Problem]:
    origin = str(path.resolve())
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        while True:
            try:
                record = next(records, None)
                if record is None:
                    break
                location = f"{path} @{records.offset} {_uri(record)}"
                refusal, page = _contents(record)
            except Damaged as exc:
                yield _stop(path, records.offset, str(exc))
                return
            except DAMAGE:
                yield _stop(path, records.offset, "unreadable record")
                return
            if refusal:
                yield Problem(location, refusal, skipped=True)
            elif page is not None:
                yield _article(record, page, location, origin)
        cut = records.offset if records.offset < path.stat().st_size else _cut_gzip_member(path)
        if cut is not None:
            yield _stop(path, cut, "unreadable end")


def _contents(record) -> tuple[str | None, bytes | None]:
    """(why the record is skipped, the page), read to the end so that damage shows here.

    Records that are not captures (warcinfo, request, metadata) give (None, None).
    """
    if record.format != "warc":   # warcio reads any text as ARC header lines
        raise Damaged("not a WARC record")
    capture = record.rec_type in CAPTURES
    refusal = _refusal(record) if capture else None
    page = record.content_stream().read() if capture and not refusal else None
    while record.raw_stream.read(BUFF_SIZE):
        pass
    if record.raw_stream.limit > 0:
        raise Damaged(f"the record ends {record.raw_stream.limit} bytes early")
    return refusal, page


def _article(record, page: bytes, location: str, origin: str) -> Article | Problem:
    article_id = record_id(_uri(record))
    if not article_id:
        return Problem(location, "capture without a target URI")
    return article_from_page(
        page, article_id=article_id, location=location, origin=origin, url=_uri(record),
        charset=_charset(_content_type(record)),
        captured=parse_iso(record.rec_headers.get_header("WARC-Date") or ""))


def _cut_gzip_member(path: Path) -> int | None:
    """Where a gzip member starts that ends early, or None (also for a plain file).

    warcio ends quietly when the last member is cut before a whole record
    header, so the compressed stream is checked on its own.
    """
    start = position = 0
    inflater = None
    pending = b""
    with path.open("rb") as stream:
        if stream.read(2) != GZIP_MAGIC:
            return None
        stream.seek(0)
        while pending or (pending := stream.read(BUFF_SIZE)):
            if inflater is None:
                inflater, start = zlib.decompressobj(wbits=31), position
            try:
                inflater.decompress(pending)
            except zlib.error:
                return start
            if inflater.eof:
                position += len(pending) - len(inflater.unused_data)
                pending, inflater = inflater.unused_data, None
            else:
                position += len(pending)
                pending = b""
    return None if inflater is None else start


def _stop(path: Path, offset: int, what: str) -> Problem:
    return Problem(f"{path} @{offset}", f"damaged or truncated archive: {what}; reading stopped")


def _refusal(record) -> str | None:
    """Why a capture is not a page to read, or None."""
    if record.rec_type == "revisit":
        return "revisit record (the same page captured again)"
    status = (record.http_headers.get_statuscode() or "") if record.http_headers else "200"
    if status.startswith("3"):
        target = record.http_headers.get_header("Location") or "?"
        return f"redirect (HTTP {status}) to {target}"
    if status != "200":
        return f"HTTP {status}"
    content_type = _content_type(record)
    if not content_type.lower().startswith(HTML_TYPES):
        return f"not an HTML page ({content_type or 'no content type'})"
    return None


def record_id(uri: str) -> str:
    """A stable, path-safe id from the page address: ``host/path_query``, no scheme."""
    parts = urlsplit(uri)
    host = parts.netloc.rpartition("@")[2].lower()   # without any user:password@
    text = host + unquote(parts.path).rstrip("/") + (f"?{unquote(parts.query)}" if parts.query else "")
    return UNSAFE.sub("_", text)


def _uri(record) -> str:
    return (record.rec_headers.get_header("WARC-Target-URI") or "").strip()


def _content_type(record) -> str:
    headers = record.http_headers if record.http_headers else record.rec_headers
    return (headers.get_header("Content-Type") or "").strip()


def _charset(content_type: str) -> str | None:
    match = CHARSET.search(content_type)
    return match.group(1) if match else None

