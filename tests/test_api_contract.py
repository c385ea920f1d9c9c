"""The web API keeps its OpenAPI contract.

Schemathesis runs as a new user would run it (every phase, every check) against the app on the
seed index, in-process through WSGI, seeded and deterministic: a failure is reproducible, and its
curl line is in the assertion message. Then the contract's choices, one by one, over HTTP.
"""
from __future__ import annotations

import re
import sys
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.engine import Status, events, from_schema

from search.query import MAX_QUERY_CHARS
from search.request import DATE_BOUND_PATTERN, DATES_REVERSED_NOTICE, MAX_QUERY, WHITESPACE
from web import create_app

FUZZ_EXAMPLES = 50      # per operation in the fuzzing phase; the coverage and stateful phases add their own
MIN_CASES = 1000
SEED = 20261127


@pytest.fixture(scope="module")
def app(seed_index):
    """The app as served (not in testing mode: errors go through its handlers, as in production)."""
    return create_app({"INDEX": seed_index})


class ContractRun:
    """What one schemathesis run saw: cases, operations and checks exercised, failures and errors."""

    def __init__(self):
        self.cases = 0
        self.operations: set[str] = set()
        self.checks: set[str] = set()
        self.failures: dict[str, None] = {}     # ordered set of readable reports
        self.errors: list[str] = []

    def record(self, event) -> None:
        if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            self._scenario(event.recorder)
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            self.errors.append(event.info.format() if hasattr(event, "info") else repr(event.exception))
        elif isinstance(event, events.PhaseFinished) and event.status == Status.ERROR:
            self.errors.append(f"phase {event.phase.name.value} ended in error")

    def _scenario(self, recorder) -> None:
        self.cases += len(recorder.cases)
        self.operations.update(case.value.operation.label for case in recorder.cases.values())
        for checks in recorder.checks.values():
            for check in checks:
                self.checks.add(check.name)
                if check.status == Status.ERROR:
                    self.errors.append(f"{recorder.label}: check {check.name} could not run")
                if check.failure_info is not None:
                    failure = check.failure_info.failure
                    self.failures[f"{recorder.label}: {check.name}: {failure.title}: {failure.message}\n"
                                  f"    {check.failure_info.code_sample[:1000]}"] = None


@pytest.fixture(scope="module")
def contract_run(app) -> ContractRun:
    config = schemathesis.Config.from_dict({
        "seed": SEED, "checks": {"enabled": True},
        "generation": {"max-examples": FUZZ_EXAMPLES, "deterministic": True, "database": "none"},
    })
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)
    run = ContractRun()
    for event in from_schema(schema).execute():
        run.record(event)
    return run


def test_schemathesis_finds_no_failure(contract_run):
    assert not contract_run.errors, "\n".join(contract_run.errors)
    assert not contract_run.failures, f"{len(contract_run.failures)} failures:\n" + "\n".join(contract_run.failures)


def test_schemathesis_covered_every_operation_with_every_check(contract_run, client):
    spec = client.get("/api/openapi.json").get_json()
    assert contract_run.cases >= MIN_CASES
    # Schemathesis leaves out the operation it loads the schema from.
    assert contract_run.operations == {f"GET {path}" for path in spec["paths"]} - {"GET /api/openapi.json"}
    assert contract_run.checks >= {
        "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
        "response_headers_conformance", "negative_data_rejection", "positive_data_acceptance",
        "unsupported_method", "allow_header_conformance"}


# --- the contract's choices --------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/search", "/api/articles/000_91c5acc868c998b8", "/api/facets/person",
                                  "/api/stats", "/api/search.csv", "/search.atom", "/search", "/"])
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "TRACE"])
def test_other_methods_are_405_with_allow(client, path, method):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    if path.startswith("/api/"):
        assert response.get_json() == {"error": response.get_json()["error"], "parameter": None}
    else:
        assert "Méthode non autorisée" in response.get_data(as_text=True)


@pytest.mark.parametrize("path, status", [("/api/search?page=0", 400), ("/api/articles/nope", 404),
                                          ("/api/facets/colour", 404), ("/api/nothing-here", 404)])
def test_every_api_error_has_the_documented_shape(client, path, status):
    response = client.get(path)
    assert response.status_code == status and response.mimetype == "application/json"
    document = response.get_json()
    assert set(document) == {"error", "parameter"} and document["error"]
    assert document["parameter"] == ("page" if status == 400 else None)


def test_overlong_query_is_searched_with_a_notice(client):
    document = client.get("/api/search", query_string={"q": "otan " * (MAX_QUERY // 2)}).get_json()
    assert document["query"] == ("otan " * (MAX_QUERY // 2)).strip()[:MAX_QUERY]
    assert f"plus de {MAX_QUERY_CHARS} caractères" in document["notice"]
    assert "maxLength" not in client.get("/api/openapi.json").get_json()["components"]["parameters"]["q"]["schema"]


def test_date_pattern_is_published(client):
    parameters = client.get("/api/openapi.json").get_json()["components"]["parameters"]
    assert parameters["from"]["schema"]["pattern"] == parameters["to"]["schema"]["pattern"] == DATE_BOUND_PATTERN


def every_day_written(first: date, last: date):
    day = first
    while day <= last:
        yield from (day.isoformat(), f"{day.year}-{day.month}-{day.day}", f"{day:%d/%m/%Y}",
                    f"{day.day}/{day.month}/{day.year}")
        day += timedelta(days=1)


def test_date_pattern_takes_every_real_day_and_nothing_else():
    pattern = re.compile(DATE_BOUND_PATTERN)
    assert all(pattern.fullmatch(text) for text in every_day_written(date(1899, 12, 1), date(2101, 3, 1)))
    assert all(pattern.fullmatch(text) for text in ("2025", "2025-08", "2025-8", " 2025 ", "", "\u3000"))
    for text in ("2021-02-29", "29/02/1900", "2100-02-29", "2025-04-31", "31/06/2025", "2025-13", "0000", "20255",
                 "juillet 2020", "٢٠٢٥", "2025-", "2025-08-15T10:00", "15.08.2025", "2025\n08"):
        assert not pattern.fullmatch(text), text
    assert all(pattern.fullmatch(text) for text in ("2000-02-29", "29/2/2024", "1600-02-29"))


def test_date_pattern_ignores_the_spaces_strip_removes():
    space = re.compile(f"[{WHITESPACE}]")
    characters = [chr(code) for code in range(sys.maxunicode + 1)]
    assert [c for c in characters if space.fullmatch(c)] == [c for c in characters if c.isspace()]


@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bound=st.from_regex(DATE_BOUND_PATTERN))
def test_every_date_the_pattern_allows_is_accepted(client, bound):
    for name in ("from", "to"):
        response = client.get("/api/search", query_string={name: bound, "facet_size": 1})
        assert response.status_code == 200, (name, bound, response.get_json())


@pytest.mark.parametrize("query, parameter", [
    ("from=2021-02-29", "from"), ("to=juillet 2020", "to"), ("from=2025-08-15T10:00", "from"),
    ("per_page=", "per_page"), ("page=%20", "page"), ("sort=", "sort"), ("variants=", "variants"),
])
def test_values_outside_the_schema_are_400(client, query, parameter):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400 and response.get_json()["parameter"] == parameter


def test_blank_text_parameters_are_absent(client):
    everything = client.get("/api/search").get_json()["total"]
    assert client.get("/api/search?q=&from=&to=%20&source=").get_json()["total"] == everything


def test_reversed_dates_match_nothing_and_say_why(client):
    document = client.get("/api/search?from=2026&to=2024").get_json()
    assert document["total"] == 0 and document["notice"] == DATES_REVERSED_NOTICE
    assert sum(v["count"] for v in document["facets"]["source"]["values"]) == 0
    assert document["facets"]["date"]["values"]      # the date facet leaves its own filter out
