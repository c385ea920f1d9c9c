"""Bytes to text for every reader: gzip, binary detection, legacy encodings.

French archives often hold cp1252 or latin-1 files; charset-normalizer tells
them apart from UTF-8 instead of guessing.
"""
from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import Iterator

from charset_normalizer import from_bytes


class DecodeError(ValueError):
    """The file cannot be read as text; the message says why."""


GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


def read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix.lower() == ".gz":  # as the reader registry, which lower-cases
        try:
            data = gzip.decompress(data)
        except (OSError, *GZIP_ERRORS) as exc:
            raise DecodeError(f"not a valid gzip file ({exc})") from None
    return data


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    return b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff"))


def decode(data: bytes, declared: str | None = None) -> str:
    """UTF-8 first, then a declared encoding, then detection; never lossy-silent."""
    if looks_binary(data):
        raise DecodeError("binary file, not text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 with a BOM passes looks_binary despite its NULs; cp1252 would garble it.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid UTF-16 ({exc.reason})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    french = _as_french_cp1252(data)
    if french is not None:
        return french
    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("cannot detect the text encoding")
    # cp1252 is a superset of latin-1 for the printable range; prefer it for French.
    encoding = "cp1252" if best.encoding in ("latin_1", "iso8859_15") else best.encoding
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return str(best)


# Non-ASCII letters of French text: when cp1252 turns a file's high bytes into
# these, it is the right reading. Statistical detection alone mistakes short
# French text for cp1250 ("à" read as "ŕ").
_FRENCH_LETTERS = set("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»’‘“”–—…€°\u00a0")


def _as_french_cp1252(data: bytes) -> str | None:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    high = [c for c in text if ord(c) > 127]
    if high and sum(c in _FRENCH_LETTERS for c in high) >= 0.9 * len(high):
        return text
    return None


def read_text(path: Path, declared: str | None = None) -> str:
    data = read_bytes(path)
    if not data.strip():
        raise DecodeError("empty file")
    return decode(data, declared)


def read_lines(path: Path) -> Iterator[str]:
    """A text file's lines (split at "\\n" only, as JSON Lines are), decoded one at a
    time, so that an archive of a million records is never held whole.

    Each line is read as UTF-8, or else decoded on its own as ``decode`` decodes
    a file (a legacy French encoding). A UTF-16 file is decoded whole.
    """
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    number = 0
    try:
        with opener(path, "rb") as handle:
            start = handle.peek(8192)[:8192]
            if looks_binary(start):
                raise DecodeError("binary file, not text")
            if start.startswith((b"\xff\xfe", b"\xfe\xff")):
                yield from decode(handle.read()).split("\n")
                return
            for number, raw in enumerate(handle, 1):
                raw = raw.removesuffix(b"\n")
                if number == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError:
                    yield decode(raw)
    except GZIP_ERRORS as exc:
        raise DecodeError(f"not a valid gzip file ({exc}), after line {number}") from None
