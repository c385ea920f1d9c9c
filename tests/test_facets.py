"""Facets on every engine: exact counts (checked against Whoosh's own grouping), multi-select semantics, dates."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from whoosh import sorting

from search.analysis import terms
from search.engine import Engine, open_engine
from search.facets import FACETS
from search.query import parse
from search.request import SearchRequest
from search.solr.engine import SolrEngine
from search.whoosh.evaluate import whoosh_query

QUERIES = 50
DISTINCT_ESTIMATE = 0.02     # SolrCloud's numBuckets across shards is an estimate (HyperLogLog)


@pytest.fixture
def engine(corpus_engine) -> Engine:
    return corpus_engine


def search(engine: Engine, query: str = "", **options):
    return engine.search(SearchRequest(query=query, **options))


def counts(facet) -> dict[str, int]:
    return {v.value: v.count for v in facet.values}


def corpus_queries(searcher) -> list[str]:
    """One, two or three words from the archive's own titles (every 40th article)."""
    queries = []
    for number, fields in enumerate(searcher.all_stored_fields()):
        words = [w for w in fields["title"].split() if w.isalpha() and len(w) > 3 and terms(w)]
        if number % 40 == 0 and words:
            queries.append(" ".join(words[:1 + len(queries) % 3]))
    return queries[:QUERIES]


def whoosh_grouping(searcher, text: str, names) -> tuple[set[int], dict[str, dict[str, int]]]:
    """Matches and per-facet counts as Whoosh's own grouping computes them."""
    facets = {name: sorting.FieldFacet(name, allow_overlap=name in ("person", "topic", "agency")) for name in FACETS}
    results = searcher.search(whoosh_query(parse(text, names).query), groupedby=facets, limit=None)
    groups = {name: {key: len(docs) for key, docs in results.groups(name).items() if key} for name in FACETS}
    return set(results.docs()), groups


def expected_dates(searcher, docs: set[int]) -> tuple[str, Counter, int]:
    published = [searcher.stored_fields(d).get("published") for d in docs]
    dated = [p for p in published if p]
    months = {(p.year, p.month) for p in dated}
    by_year = bool(months) and (max(months)[0] * 12 + max(months)[1]) - (min(months)[0] * 12 + min(months)[1]) > 36
    buckets = Counter(p.strftime("%Y" if by_year else "%Y-%m") for p in dated)
    return ("year" if by_year else "month"), buckets, len(published) - len(dated)


def test_counts_equal_whoosh_grouping_on_50_corpus_queries(engine, corpus_index):
    index = open_engine(corpus_index)._opened()         # the reference: Whoosh's own grouping
    searcher = index.searcher()
    queries = corpus_queries(searcher)
    assert len(queries) == QUERIES
    tolerance = DISTINCT_ESTIMATE if isinstance(engine, SolrEngine) else 0
    for text in queries:
        result = search(engine, text, facet_size=1000)
        docs, groups = whoosh_grouping(searcher, text, index.names)
        assert result.total == len(docs), text
        for name in FACETS:
            facet = result.facets[name]
            # Across SolrCloud shards, how many values there are is Solr's estimate.
            assert abs(facet.total_values - len(groups[name])) <= len(groups[name]) * tolerance, (text, name)
            assert len(facet.values) == min(1000, len(groups[name])), (text, name)
            assert all(groups[name][v.key] == v.count for v in facet.values), (text, name)
        interval, buckets, undated = expected_dates(searcher, docs)
        date_facet = result.facets["date"]
        assert date_facet.extra == {"interval": interval, "undated": undated}, text
        assert counts(date_facet) == dict(buckets), text


def test_facet_values_are_display_forms_most_frequent_first(engine):
    facets = search(engine).facets
    sources = facets["source"].values
    assert [v.count for v in sources] == sorted((v.count for v in sources), reverse=True)
    assert len(sources) == 10 and facets["source"].total_values > 10
    assert all(v.value != v.key for v in facets["person"].values[:3])     # "Donald Trump", key "donald trump"
    assert not any(v.selected for f in facets.values() for v in f.values)


def test_several_values_of_a_facet_are_ored_and_keep_their_own_counts(engine):
    unfiltered = search(engine, "président").facets
    first, second = unfiltered["source"].values[:2]
    both = search(engine, "président", sources=[first.value, second.value])
    assert both.total == first.count + second.count
    assert counts(both.facets["source"]) == counts(unfiltered["source"])      # own filter not applied
    assert {v.value for v in both.facets["source"].values if v.selected} == {first.value, second.value}
    assert sum(counts(both.facets["lang"]).values()) == both.total              # other facets filtered


def test_different_facets_are_anded(engine):
    person = search(engine, "président").facets["person"].values[0]
    source = search(engine, "président", persons=[person.value]).facets["source"].values[0]
    both = search(engine, "président", persons=[person.value], sources=[source.value])
    assert both.total == source.count
    narrowed_persons = search(engine, "président", sources=[source.value]).facets["person"]
    assert counts(both.facets["person"]) == counts(narrowed_persons)


def test_filters_take_the_display_form_or_the_key(engine):
    source = search(engine).facets["source"].values[0]
    person = search(engine).facets["person"].values[0]
    assert search(engine, sources=[source.value]).total == search(engine, sources=[source.key.upper()]).total
    assert search(engine, persons=[person.value]).total == search(engine, persons=[person.key]).total \
        == person.count


def test_selected_values_always_listed(engine):
    rare = search(engine, facet_size=1000).facets["source"].values[-1]
    result = search(engine, sources=[rare.value, "Nulle Part"], facet_size=1)
    listed = {v.value: v for v in result.facets["source"].values}
    assert listed[rare.value].selected and listed[rare.value].count == rare.count
    assert listed["Nulle Part"].selected and listed["Nulle Part"].count == 0
    assert result.total == rare.count


def test_filter_values_without_letters_match_nothing(engine):
    assert search(engine, persons=["-"]).total == search(engine, sources=["?"]).total == 0


def test_facet_size(engine):
    result = search(engine, facet_size=3)
    assert all(len(result.facets[name].values) == 3 for name in FACETS if result.facets[name].total_values >= 3)


def test_date_histogram_by_year_or_month(engine):
    everything = search(engine).facets["date"]
    assert everything.extra["interval"] == "year" and everything.extra["undated"] >= 3   # three seeds are undated
    assert [v.value for v in everything.values] == sorted(v.value for v in everything.values)
    june = search(engine, "date:2020-06").facets["date"]
    assert june.extra == {"interval": "month", "undated": 0}
    assert [v.value for v in june.values] == ["2020-06"]


def test_date_filter_days_are_inclusive_and_the_date_facet_ignores_it(engine):
    day = search(engine, date_from=date(2020, 6, 2), date_to=date(2020, 6, 2))
    assert day.total == search(engine, "date:2020-06-02").total > 0
    month = search(engine, date_from=date(2020, 6, 1), date_to=date(2020, 6, 30))
    assert month.total == search(engine, "date:2020-06").total
    assert counts(month.facets["date"]) == counts(search(engine).facets["date"])
    assert [v.value for v in month.facets["date"].values if v.selected] == ["2020"]


def test_facet_completion(engine):
    person = search(engine).facets["person"].values[0]
    surname = person.value.split()[-1]
    completions = engine.facet_values("person", surname[:4].lower())
    assert {"value": person.value, "count": person.count} in completions
    assert engine.facet_values("source", "")[0]["count"] == search(engine).facets["source"].values[0].count
    with pytest.raises(ValueError):
        engine.facet_values("date", "")
