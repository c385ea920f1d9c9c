"""Worker processes die with the indexer.

A rebuild forks readers, enrichers and Whoosh's writer processes, and they
inherit the index's write lock. Were the indexer killed (``kill -9``, the
out-of-memory killer), orphaned workers would go on running and holding the
lock, and the next run would be refused until they finished. Linux kills a
child when its parent dies once the child asks with ``prctl(PR_SET_PDEATHSIG)``.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys

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
