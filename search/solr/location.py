"""Where a SolrCloud index is: ``solr+http://HOST:PORT/solr/NAME`` and the settings around it.

``NAME`` is a collection alias. Each full rebuild creates a collection
``NAME_<generation>`` and moves the alias to it, so readers follow the alias and
never see a half-built index. What a URL cannot say comes from the environment
(or the matching ``manchette index`` options): credentials, the ZooKeeper
address (else asked of Solr), and shards and replicas for new collections.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..engine import SOLR_SCHEMES
from ..store import BadLocation

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_HOST = re.compile(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]")

SHARDS = 2                 # of a new collection, unless --shards / MANCHETTE_SOLR_SHARDS say otherwise
REPLICAS = 2
CONFIGSET = os.environ.get("MANCHETTE_SOLR_CONFIGSET", "manchette")


@dataclass(frozen=True)
class SolrLocation:
    base: str                 # http(s)://host:port/solr
    name: str                 # the collection alias
    user: str | None = None
    password: str | None = None
    zk: str | None = None     # host:port[,host:port…][/chroot]; None: ask Solr

    def __str__(self) -> str:
        return f"solr+{self.base}/{self.name}"

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.user, self.password or "") if self.user else None


def parse_location(text: str) -> SolrLocation:
    """The location a ``solr+http(s)://HOST:PORT/solr/NAME`` URL names; :class:`BadLocation` says what is wrong."""
    if not text.startswith(SOLR_SCHEMES):
        raise BadLocation(f"{text!r}: a SolrCloud index is written solr+http://HOST:PORT/solr/NAME")
    parts = urlsplit(text.removeprefix("solr+"))
    example = "e.g. solr+http://127.0.0.1:8983/solr/manchette"
    if parts.username or parts.password:
        raise BadLocation(f"{text}: put credentials in MANCHETTE_SOLR_USER and MANCHETTE_SOLR_PASSWORD, "
                          "not in the URL (it is printed in logs)")
    try:
        port = parts.port
    except ValueError:
        raise BadLocation(f"{text}: the port is not a number ({example})") from None
    if not parts.hostname or not _HOST.fullmatch(parts.netloc.rsplit(":", 1)[0] if port else parts.netloc):
        raise BadLocation(f"{text}: no valid host ({example})")
    if parts.query or parts.fragment:
        raise BadLocation(f"{text}: no query string or fragment is allowed ({example})")
    segments = parts.path.rstrip("/").split("/")
    if len(segments) != 3 or segments[1] != "solr" or not _NAME.fullmatch(segments[2]):
        raise BadLocation(f"{text}: the path must be /solr/NAME, NAME a collection alias of letters, digits, "
                          f"'_' and '-' ({example})")
    return SolrLocation(
        base=f"{parts.scheme}://{parts.netloc}/solr", name=segments[2],
        user=os.environ.get("MANCHETTE_SOLR_USER") or None,
        password=os.environ.get("MANCHETTE_SOLR_PASSWORD") or None,
        zk=os.environ.get("MANCHETTE_SOLR_ZK") or None)
