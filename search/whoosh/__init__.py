"""The Whoosh engine: the embedded default, an index folder on this machine (see :mod:`search.whoosh.engine`)."""
from . import mapped

mapped.install()   # before any index is opened: segments are read in place (see mapped.py)
