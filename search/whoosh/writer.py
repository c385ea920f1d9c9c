"""Whoosh's multi-process writer, with posting runs spilled in bulk.

Whoosh sorts a segment's postings in memory and, past the pool's size, spills
sorted runs to disk that the commit merges. It pickles each posting on its
own, one Python call per posting each way: at a million articles the two
writers spilled 46 GB of runs (six times the index), and unpickling them was
39% of the final merge. Here a run is written with :mod:`marshal`, a few
thousand postings per call: a third of the size, written several times faster.

Relies on ``whoosh.multiproc`` and ``whoosh.writing`` of Whoosh 2.7 (pinned:
Whoosh<2.8): a sub-writer's pool is replaced while it is still empty.
"""
from __future__ import annotations

import itertools
import marshal

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import PostingPool

RUN_CHUNK = 4096          # postings per marshal call


class BulkPool(PostingPool):
    """Whoosh's posting pool, its runs written and read a chunk of postings at a time."""

    def _write_run(self, f, items) -> None:
        items = iter(items)
        try:
            while chunk := list(itertools.islice(items, RUN_CHUNK)):
                marshal.dump(chunk, f)
        finally:
            f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = marshal.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


class _BulkSubWriter(SubWriterTask):
    def _process_file(self, filename, doc_count):
        writer = self.writer
        if not isinstance(writer.pool, BulkPool):
            writer.pool = BulkPool(writer._tempstorage, writer.newsegment, limitmb=writer.pool.limit >> 20)
        super()._process_file(filename, doc_count)


class BulkMpWriter(MpWriter):
    """``ix.writer(procs=N, multisegment=True)`` whose sub-writers spill with :class:`BulkPool`."""

    def _new_task(self):
        task = _BulkSubWriter(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
                              self.multisegment)
        self.tasks.append(task)
        task.start()
        return task
