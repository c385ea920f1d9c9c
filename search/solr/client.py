"""Talking to SolrCloud over HTTP: JSON in, JSON out, every failure worded for the user.

One pooled session per location (Solr answers over keep-alive connections).
A node down, a connection refused or a time-out becomes
:class:`~search.engine.Unavailable` naming the URL and what to do; an error
Solr reports becomes :class:`SolrError` with Solr's own message.
"""
from __future__ import annotations

import threading
import time

import requests

from ..engine import EngineError, Unavailable
from .location import SolrLocation

TIMEOUT = (3.05, 60)          # connect, read (seconds)
ADMIN_TIMEOUT = (3.05, 300)   # creating or deleting a collection waits for every replica
RETRIES = 3                   # a node restarting or a leader election: try again before giving up
RETRY_PAUSE = 0.5
ALIAS_TTL = 1.0               # seconds an alias' collection is trusted before asking again


class SolrError(EngineError):
    """Solr refused a request (bad query, missing collection…)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class Client:
    def __init__(self, location: SolrLocation):
        self.location = location
        self.session = requests.Session()
        self.session.auth = location.auth
        self._alias: tuple[float, str | None] = (0.0, None)
        self._lock = threading.Lock()

    # --- requests -------------------------------------------------------------------------

    def get(self, path: str, params: dict | None = None, timeout=TIMEOUT) -> dict:
        return self._call("GET", path, params=params, timeout=timeout)

    def post(self, path: str, body, params: dict | None = None, timeout=TIMEOUT) -> dict:
        return self._call("POST", path, params=params, json=body, timeout=timeout)

    def form(self, path: str, fields: list[tuple[str, str]]) -> dict:
        """A POST of form fields: parameters too long or too many for a URL (hundreds of ids)."""
        return self._call("POST", path, data=fields, timeout=TIMEOUT)

    def admin(self, action: str, **params) -> dict:
        """A Collections API call (CREATE, CREATEALIAS, DELETE, LIST, CLUSTERSTATUS…)."""
        return self.get("admin/collections", {"action": action, **params}, timeout=ADMIN_TIMEOUT)

    def _call(self, method: str, path: str, **kwargs) -> dict:
        url = f"{self.location.base}/{path}"
        for attempt in range(RETRIES):
            try:
                response = self.session.request(method, url, **kwargs)
            except requests.RequestException as error:
                failure: Exception = error
            else:
                if response.status_code < 500 or response.status_code == 500 and not _transient(response):
                    return _answer(response, url)
                failure = SolrError(_message(response), response.status_code)
            if attempt + 1 < RETRIES:
                time.sleep(RETRY_PAUSE * (attempt + 1))
        raise Unavailable(f"SolrCloud at {self.location.base} does not answer ({_reason(failure)}): "
                          f"check that it is running (`make solr` starts a local one) and that --index "
                          f"names it") from failure

    # --- the alias ---------------------------------------------------------------------------

    def collection(self, fresh: bool = False) -> str | None:
        """The collection the alias points to now (None: no index yet); asked at most once a second."""
        checked, name = self._alias
        if fresh or time.monotonic() - checked > ALIAS_TTL:
            aliases = self.admin("LISTALIASES").get("aliases", {})
            name = aliases.get(self.location.name)
            with self._lock:
                self._alias = (time.monotonic(), name)
        return name

    def collections(self) -> list[str]:
        return self.admin("LIST").get("collections", [])


def _transient(response: requests.Response) -> bool:
    """A 500 that a retry may cure (a replica recovering), as opposed to a broken request."""
    text = response.text[:2000].lower()
    return "no active replicas" in text or "recover" in text or "no servers hosting shard" in text


def _answer(response: requests.Response, url: str) -> dict:
    try:
        body = response.json()
    except ValueError:
        raise SolrError(f"{url} answered {response.status_code} without JSON: is this a Solr URL?",
                        response.status_code) from None
    if response.status_code >= 400:
        raise SolrError(_message(response), response.status_code)
    return body


def _message(response: requests.Response) -> str:
    try:
        error = response.json().get("error", {})
        return f"Solr: {error.get('msg') or error.get('trace', '')[:300]} (HTTP {response.status_code})"
    except (ValueError, AttributeError):
        return f"Solr answered HTTP {response.status_code}"


def _reason(error: Exception) -> str:
    if isinstance(error, requests.ConnectionError):
        return "connection refused or host unreachable"
    if isinstance(error, requests.Timeout):
        return "timed out"
    return str(error)[:200]
