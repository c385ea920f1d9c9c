"""The SolrCloud engine: the same product on a sharded, replicated cluster (see :mod:`search.solr.engine`)."""
