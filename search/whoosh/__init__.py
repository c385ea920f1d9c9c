"""The Whoosh engine: the embedded default, an index folder on this machine (see :mod:`search.whoosh.engine`)."""
