"""Worker processes die with the indexer, and share its memory while they live.

A rebuild forks readers, enrichers and Whoosh's writer processes, and they
inherit the index's write lock. Were the indexer killed (``kill -9``, the
out-of-memory killer), orphaned workers would go on running and holding the
lock, and the next run would be refused until they finished. Linux kills a
child when its parent dies once the child asks with ``prctl(PR_SET_PDEATHSIG)``.
"""
from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys
from contextlib import contextmanager
from typing import Iterator

PR_SET_PDEATHSIG = 1
_libc = None
_forking_pid = 0     # in a child: its parent's pid, as it was when forking


def die_with_this_process() -> None:
    """From now on, every child this process forks is killed when its parent dies."""
    global _libc
    if _libc is not None or not sys.platform.startswith("linux"):
        return
    _libc = ctypes.CDLL(None, use_errno=True)
    os.register_at_fork(before=_remember_parent, after_in_child=_ask_to_die_with_parent)


def _remember_parent() -> None:
    global _forking_pid
    _forking_pid = os.getpid()


def _ask_to_die_with_parent() -> None:
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != _forking_pid:     # the parent died before the request took effect
        os._exit(1)


@contextmanager
def frozen_for_children() -> Iterator[None]:
    """Children forked in this block share the objects made before it, for as long as they run.

    A forked child shares its parent's pages until it writes to one, and the
    garbage collector writes to every object it examines: each worker and
    Whoosh writer, forked after the indexer has an entry for every article,
    would copy the pages holding them at its first full collection. Frozen
    objects are left out of collections, the parent's and its children's,
    until the block ends.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
