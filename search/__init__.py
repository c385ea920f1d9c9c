"""The engine core: everything between a query and its answer, for every engine.

Shared by both engines, above them:

* :mod:`search.analysis` — French analysis, the one definition of what a word becomes;
* :mod:`search.query` — the query language, parsed once into :mod:`search.index_query`;
* :mod:`search.request` — the request and result every front end exchanges;
* :mod:`search.facets` — facet semantics and names; :mod:`search.highlight` — snippets;
* :mod:`search.engine` / :mod:`search.store` — the reading and writing interfaces;
  :mod:`search.record` — an article as every engine stores it.

One package per engine, below: :mod:`search.whoosh` (embedded, the default) and
:mod:`search.solr` (SolrCloud; it gets its query from :mod:`search.solr.translate`).
"""
