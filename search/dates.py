"""French and ISO dates, for article bylines and for ``date:`` queries.

A French date without a year (``Mercredi 20 août``) is never given a guessed
year: the caller passes the year found elsewhere in the same article, or gets
no date (and keeps the printed text).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from .analysis import fold

PARIS = ZoneInfo("Europe/Paris")

MONTHS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
MONTH_NAMES = ["", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre"]
_DAYS = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

# "15 aout 2025 21:00", "mercredi 20 aout", "1er mars 2020 a 21h05" (text already folded)
FRENCH_DATE = re.compile(
    rf"(?:{_DAYS}\s+)?(?P<day>\d{{1,2}})(?:er)?\s+(?P<month>{_MONTH_RE})\.?"
    rf"(?:\s+(?P<year>\d{{4}}))?"
    rf"(?:\s*(?:a|,|-)?\s*(?P<hour>\d{{1,2}})\s*[h:]\s*(?P<minute>\d{{2}})?)?",
)
ISO_DATE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)


@dataclass(frozen=True)
class ParsedDate:
    value: datetime | None      # UTC; None when the year is unknown
    text: str                   # the date as printed


def _to_utc(naive: datetime, tz) -> datetime:
    return naive.replace(tzinfo=tz).astimezone(timezone.utc)


def parse_iso(text: str) -> datetime | None:
    match = ISO_DATE.fullmatch(text.strip())
    if not match:
        return None
    g = match.groupdict()
    try:
        naive = datetime(int(g["year"]), int(g["month"]), int(g["day"]),
                         int(g["hour"] or 0), int(g["minute"] or 0), int(g["second"] or 0))
    except ValueError:
        return None
    tz = g["tz"]
    if not tz:
        return _to_utc(naive, PARIS)
    if tz == "Z":
        return naive.replace(tzinfo=timezone.utc)
    sign = 1 if tz[0] == "+" else -1
    digits = tz[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return _to_utc(naive, timezone(sign * offset))


def find_french_date(text: str, default_year: int | None = None) -> ParsedDate | None:
    """The first French date in ``text``; value None when no year can be known."""
    folded = fold(text.replace(":", " h "))
    folded = re.sub(r"\s+h\s+", ":", folded)
    match = FRENCH_DATE.search(folded)
    if not match:
        return None
    g = match.groupdict()
    year = int(g["year"]) if g["year"] else default_year
    printed = text.strip()
    if year is None:
        return ParsedDate(None, printed)
    try:
        naive = datetime(year, MONTHS[g["month"]], int(g["day"]),
                         int(g["hour"] or 0), int(g["minute"] or 0))
    except ValueError:
        return None
    return ParsedDate(_to_utc(naive, PARIS), printed)


def parse_date(text: str, default_year: int | None = None) -> ParsedDate | None:
    """ISO 8601 or a French date: ``2017-11-18T18:35:00+01:00``, ``15 août 2025 21:00``."""
    text = text.strip()
    iso = parse_iso(text)
    if iso is not None:
        return ParsedDate(iso, text)
    return find_french_date(text, default_year)


# --- date ranges for queries and filters -----------------------------------

@dataclass(frozen=True)
class DateRange:
    start: date   # inclusive
    end: date     # inclusive


def month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def parse_period(text: str) -> DateRange | None:
    """A day, a month or a year, ISO or French: ``2025``, ``2025-08``, ``août 2025``, ``15/08/2025``."""
    text = text.strip()
    folded = fold(text)
    try:
        if m := re.fullmatch(r"(\d{4})", text):
            y = int(m[1])
            return DateRange(date(y, 1, 1), date(y, 12, 31))
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            y, mo = int(m[1]), int(m[2])
            return DateRange(date(y, mo, 1), month_end(y, mo))
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return DateRange(d, d)
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
            d = date(int(m[3]), int(m[2]), int(m[1]))
            return DateRange(d, d)
        if m := re.fullmatch(rf"({_MONTH_RE})\.? (\d{{4}})", folded):
            y, mo = int(m[2]), MONTHS[m[1]]
            return DateRange(date(y, mo, 1), month_end(y, mo))
        if m := re.fullmatch(rf"(\d{{1,2}})(?:er)? ({_MONTH_RE})\.? (\d{{4}})", folded):
            d = date(int(m[3]), MONTHS[m[2]], int(m[1]))
            return DateRange(d, d)
    except (ValueError, KeyError):
        return None
    return None


def parse_range(text: str) -> DateRange | None:
    """``2025-08``, ``2025-08-01..2025-08-31``, ``août 2025``; None when unreadable."""
    if ".." in text:
        left, _, right = text.partition("..")
        start = parse_period(left) if left.strip() else None
        end = parse_period(right) if right.strip() else None
        if (left.strip() and start is None) or (right.strip() and end is None) or not (start or end):
            return None
        lo = start.start if start else date(1, 1, 1)
        hi = end.end if end else date(9999, 12, 31)
        return DateRange(lo, hi) if lo <= hi else None
    return parse_period(text)
