"""The news agencies an article carries, from its credit lines, byline and source name.

A credit is how a text says where it comes from: ``Paris (AFP) -``, ``(AFP/Belga)``,
``© 2019 AFP``, ``avec AFP``, a last line ``AFP``, a source ``Orange avec AFP``. An
agency merely quoted (``a indiqué à l'AFP``) is not a credit and is not counted.
Names are matched with their capitals (``AP``, ``ATS``), so ordinary words never are.
"""
from __future__ import annotations

import re

from search.agencies import agency_key
from search.document import Article

_AGENCY = (r"(?:AFP(?:[- ]Services)?|Agence France[- ]Presse|Keystone[- ]ATS|ATS|Belga|Reuters|AP|"
           r"Associated Press|La Presse [Cc]anadienne|ANSA|DPA|dpa|EFE)")
_LIST = rf"{_AGENCY}(?:\s*[/,-]\s*{_AGENCY})*"
# A piece of every spelling above: a text with none of them credits no agency, and looking for them costs an
# eighth of scanning it for credits (most articles credit none).
_NAME_PIECES = ("AFP", "Agence France", "ATS", "Belga", "Reuters", "AP", "Associated Press", "La Presse", "ANSA",
                "DPA", "dpa", "EFE")
_ONE = re.compile(rf"(?<![\w-]){_AGENCY}(?![\w-])")
# Credits inside the text: a dateline or signature in brackets, a copyright, "avec AFP".
_IN_TEXT = re.compile(rf"\(\s*({_LIST})\s*\)|©\s*(?:\d{{4}}\s*)?({_LIST})|\bavec\s+(?:l['’]\s*)?({_LIST})(?![\w-])")
# A last line that is only a credit: "AFP", "- Belga", "Source : Reuters", "(avec AFP)".
_LAST_LINE = re.compile(rf"[\W_]*(?:[Ss]ource\s*:?\s*|avec\s+)?({_LIST})[\W_]*")


def agencies_of(article: Article) -> list[str]:
    """Agency keys (``afp``, ``belga``…), in the order first credited."""
    found: list[str] = []
    for credit in _credits(article):
        found += [agency_key(name) for name in _ONE.findall(credit)]
    return list(dict.fromkeys(found))


def _credits(article: Article) -> list[str]:
    credits = [article.source or "", article.author or ""]
    if not any(piece in article.body for piece in _NAME_PIECES):
        return credits
    credits += [group for match in _IN_TEXT.finditer(article.body) for group in match.groups() if group]
    lines = [line for line in article.body.splitlines() if line.strip()]
    if lines and (last := _LAST_LINE.fullmatch(lines[-1].strip())):
        credits.append(last.group(1))
    return credits
