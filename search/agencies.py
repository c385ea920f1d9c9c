"""News agencies: the values of the agency facet, between their keys and their names.

What an article carries is decided at index time (:mod:`indexer.enrich.agencies`);
the index holds folded keys (``afp``), pages show the agency's own name.
"""
from __future__ import annotations

from .analysis import fold

# Key -> the name pages show. Other spellings a user may type are in ALIASES.
AGENCY_NAMES = {
    "afp": "AFP", "ap": "AP", "ats": "ATS", "belga": "Belga", "reuters": "Reuters",
    "la presse canadienne": "La Presse canadienne", "ansa": "ANSA", "dpa": "DPA", "efe": "EFE",
}
ALIASES = {"afp-services": "afp", "afp services": "afp", "agence france-presse": "afp", "agence france presse": "afp",
           "keystone-ats": "ats", "keystone ats": "ats", "associated press": "ap", "presse canadienne": "la presse canadienne",
           "pc": "la presse canadienne"}


def agency_key(value: str) -> str:
    """The key of an agency as typed or displayed (``Keystone-ATS`` -> ``ats``)."""
    folded = fold(value).strip()
    return ALIASES.get(folded, folded)


def agency_name(key: str) -> str:
    return AGENCY_NAMES.get(key, key)
