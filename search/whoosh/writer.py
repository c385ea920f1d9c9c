"""Whoosh's writing, a list of postings at a time where Whoosh takes one posting per call.

A Whoosh writer sorts a segment's postings in memory and, past the pool's
size, spills sorted runs to disk that the commit merges; the commit then
writes each term's postings in blocks. Each step made Python calls per
posting: pickling each spilled posting (at a million articles the two writers
spilled 46 GB of runs, six times the index, and unpickling them was 39% of the
final merge), then several calls, checks and a generator per posting to write
it. Here runs are written with :mod:`marshal`, a few thousand postings per
call (a third of the size, several times faster), and the commit takes each
term's postings as one list, a block of them at a time. The files are
Whoosh's own: any Whoosh 2.7 reader reads them.

Relies on ``whoosh.multiproc``, ``whoosh.writing`` and ``whoosh.codec.whoosh3``
of Whoosh 2.7 (pinned: Whoosh<2.8): a writer's pool is replaced while it is
still empty, and a block is handed to the postings writer as its buffers.
"""
from __future__ import annotations

import bisect
import itertools
import marshal
import operator
import struct
from array import array
from typing import Iterator

from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import PostingPool

RUN_CHUNK = 4096          # postings per marshal call
COMPRESS_FROM = 8        # postings: shorter blocks are stored as they are
_LENGTH = struct.Struct("<Q")     # a chunk's size in bytes, before it in a run
_FIELD = operator.itemgetter(0)    # a posting is (field name, term bytes, document number, weight, value)
_TERM = operator.itemgetter(1)


class BulkPool(PostingPool):
    """Whoosh's posting pool, its runs written and read a chunk of postings at a time."""

    def add(self, item) -> None:
        # Whoosh's, less its two type checks per posting; the same size estimate, so runs spill where they did.
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f, items) -> None:
        items = iter(items)
        try:
            while chunk := list(itertools.islice(items, RUN_CHUNK)):
                data = marshal.dumps(chunk)
                f.write(_LENGTH.pack(len(data)))
                f.write(data)
        finally:
            f.close()

    def _read_chunks(self, path):
        # marshal.load() on a file reads each object through a Python call: loads() of a chunk's bytes is C.
        f = self._open_run(path)
        try:
            while header := f.read(_LENGTH.size):
                yield marshal.loads(f.read(_LENGTH.unpack(header)[0]))
        finally:
            f.close()
            self._remove_run(path)

    def _merge_runs(self, paths):
        """The runs' postings in order, merged a batch at a time by :func:`merge_sorted_chunks`."""
        return itertools.chain.from_iterable(merge_sorted_chunks([self._read_chunks(path) for path in paths]))


def merge_sorted_chunks(runs: list) -> Iterator[list]:
    """Sorted runs, each given as an iterator of sorted lists, merged into sorted batches.

    Whoosh merges runs with :func:`heapq.merge`, a Python step per item. Here,
    each round takes from every run's current list whatever is not greater
    than the smallest of their last items (nothing left in any run can come
    before it), and sorts that batch in C (Timsort merges the sorted pieces).
    """
    live = [(run, chunk, 0) for run in runs if (chunk := next(run, None))]
    while live:
        bound = min(chunk[-1] for _, chunk, _ in live)
        batch, kept = [], []
        for run, chunk, start in live:
            cut = bisect.bisect_right(chunk, bound, start)
            batch += chunk[start:cut]
            if cut < len(chunk):
                kept.append((run, chunk, cut))
            elif chunk := next(run, None):
                kept.append((run, chunk, 0))
        batch.sort()
        yield batch
        live = kept


def use_bulk_pool(writer) -> None:
    """Give a Whoosh segment writer that has no posting yet a :class:`BulkPool` of its pool's size."""
    if not isinstance(writer.pool, BulkPool):
        writer.pool = BulkPool(writer._tempstorage, writer.newsegment, limitmb=writer.pool.limit >> 20)


class _BulkSubWriter(SubWriterTask):
    def _process_file(self, filename, doc_count):
        use_bulk_pool(self.writer)
        super()._process_file(filename, doc_count)


class BulkMpWriter(MpWriter):
    """``ix.writer(procs=N, multisegment=True)`` whose sub-writers spill with :class:`BulkPool`."""

    def _new_task(self):
        task = _BulkSubWriter(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
                              self.multisegment)
        self.tasks.append(task)
        task.start()
        return task


class BulkFieldWriter(W3FieldWriter):
    """Whoosh 3's field writer, given each term's postings as one list.

    The pool gives postings sorted by field, term and document. ``Codec``
    keeps no per-block length statistics (``length_stats``), so ``lengths``
    is None and a posting's field length is not needed. No field of the
    schema has spelling postings.
    """

    def add_postings(self, schema, lengths, items) -> None:
        for fieldname, postings in itertools.groupby(items, _FIELD):
            self.start_field(fieldname, schema[fieldname])
            for btext, term_postings in itertools.groupby(postings, _TERM):
                self.start_term(btext)
                self._postwriter.add_term_postings(list(term_postings))
                self.finish_term()
            self.finish_field()


class BulkPostingsWriter(W3PostingsWriter):
    """Whoosh 3's postings writer, filled a block at a time; the blocks it writes are Whoosh's.

    A block says whether it is compressed: short ones are not. Most terms
    have a few postings, zlib saves little on them (the index grows by 2%)
    and costs a call to write each and another to read it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._level = self._compression

    def _write_block(self, last=False):
        self._compression = self._level if len(self._ids) >= COMPRESS_FROM else 0
        super()._write_block(last)

    def add_term_postings(self, postings: list[tuple]) -> None:
        """One term's postings, in document order; the last block waits for ``finish_postings``, as in Whoosh."""
        for start in range(0, len(postings), self._blocklimit):
            if self._ids:
                self._write_block()
            block = postings[start:start + self._blocklimit]
            weights = [posting[3] for posting in block]
            self._ids = array("I", [posting[2] for posting in block])
            self._weights = array("f", weights)
            self._values = [posting[4] for posting in block if posting[4]]
            self._maxweight = max(0, max(weights))

    def _mini_ids(self):
        if self._byteids:
            return super()._mini_ids()
        ids = self._ids
        return tuple(map(operator.sub, ids, itertools.chain((0,), ids)))    # Whoosh's deltas, in C

    def _mini_weights(self):
        weights = self._weights
        if weights.count(1.0) == len(weights):
            return None
        if weights.count(weights[0]) == len(weights):
            return weights[0]
        return tuple(weights)
