"""How values read on a French page: dates, numbers, languages, facet names."""
from __future__ import annotations

import re
from datetime import date, datetime

from search.dates import MONTH_NAMES, PARIS, parse_iso
from search.facets import LANGUAGE_NAMES

FACET_TITLES = {"source": "Source", "person": "Personnes", "topic": "Thèmes", "lang": "Langue", "date": "Date",
                "agency": "Agence"}
FACET_NOUNS = {"source": "source", "person": "personne", "topic": "thème", "lang": "langue", "date": "dates",
               "agency": "agence"}
SORT_LABELS = {"relevance": "Pertinence", "newest": "Plus récents d’abord", "oldest": "Plus anciens d’abord"}
# Why a title looks quieter (search.titles says where a display title came from).
DERIVED_TITLE_NOTES = {"url": "Article sans titre : titre tiré de son adresse",
                       "text": "Article sans titre : début de son texte"}
NARROW_NBSP = "\u202f"
# XML 1.0 forbids most control characters, which scraped text and queries may hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _paris(iso: str | None) -> datetime | None:
    # parse_iso, not datetime.fromisoformat: the engine writes "…Z", which Python 3.10 rejects.
    moment = parse_iso(iso) if iso else None
    return moment.astimezone(PARIS) if moment else None


def date_fr(value: str | date | None) -> str:
    """``2020-07-02T17:09:00+00:00`` -> ``2 juillet 2020`` (Paris time)."""
    moment = value if isinstance(value, date) else _paris(value)
    if moment is None:
        return ""
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{day} {MONTH_NAMES[moment.month]} {moment.year}"


def date_span(start: date | None, end: date | None) -> str:
    if start and end:
        return date_fr(start) if start == end else f"du {date_fr(start)} au {date_fr(end)}"
    return f"depuis le {date_fr(start)}" if start else f"jusqu’au {date_fr(end)}"


def datetime_fr(iso: str | None) -> str:
    moment = _paris(iso)
    if moment is None:
        return ""
    return f"{date_fr(moment)} à {moment.hour} h {moment.minute:02d}"


def period_fr(period: str) -> str:
    """A histogram bucket: ``2020-07`` -> ``juillet 2020``; a year stays as is."""
    year, _, month = period.partition("-")
    if month.isdigit() and 1 <= int(month) <= 12:
        return f"{MONTH_NAMES[int(month)]} {year}"
    return period


def number_fr(value: int | float | None) -> str:
    """``12345`` -> ``12 345`` (French thousands separator, a narrow no-break space)."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".replace(",", NARROW_NBSP).replace(".", ",")
    return f"{int(value):,}".replace(",", NARROW_NBSP)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count < 2 else (plural_form or singular + "s")
    return f"{number_fr(count)} {word}"


def lang_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get(code or "und", code or "")


def web_url(url: str | None) -> str | None:
    """The article's original address, only if it is one a link may point to (no ``javascript:``)."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


def xml_text(value) -> str:
    return _NOT_XML.sub("", str(value or ""))


def register(app) -> None:
    app.jinja_env.filters.update(
        date_fr=date_fr, datetime_fr=datetime_fr, period_fr=period_fr, number=number_fr,
        lang_name=lang_name, xml_text=xml_text, web_url=web_url,
    )
    app.jinja_env.globals.update(plural=plural, FACET_TITLES=FACET_TITLES, FACET_NOUNS=FACET_NOUNS,
                                 SORT_LABELS=SORT_LABELS, DERIVED_TITLE_NOTES=DERIVED_TITLE_NOTES)
