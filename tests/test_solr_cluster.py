"""The local SolrCloud and the manchette configset: ranking does not depend on sharding."""
from __future__ import annotations

import json

from conftest import corpus_lines
from solrcloud import call, create_collection, delete_collection

ARTICLES = 300
# An engine-like query: stemmed and exact fields, weighted as search/schema.py weighs them.
QUERY = {"q": "sécurité européenne", "defType": "edismax",
         "qf": "title_fr^3 body_fr title_exact^4.5 body_exact^1.5", "fl": "id,score", "rows": 20}


def _documents() -> list[dict]:
    records = [json.loads(line) for line in corpus_lines(ARTICLES)]
    return [{"id": r["id"], "title": r["title"], "body": r["text"], "title_fr": r["title"],
             "body_fr": r["text"], "lang": "fr"} for r in records]


def _scores(collection: str) -> dict[str, float]:
    docs = call(f"{collection}/select", QUERY)["response"]["docs"]
    return {doc["id"]: round(doc["score"], 4) for doc in docs}


def test_scores_are_the_same_on_one_shard_and_on_two(solr_url):
    documents = _documents()
    scores = {}
    for shards in (1, 2):
        name = f"test-stats-{shards}"
        collection = create_collection(solr_url, name, shards=shards)
        call(f"{collection}/update", {"commit": "true"}, documents=documents)
        scores[shards] = _scores(collection)
        delete_collection(solr_url, name)
    # ExactStatsCache: document frequencies and lengths come from every shard.
    assert len(scores[1]) == QUERY["rows"]
    assert scores[1] == scores[2]
