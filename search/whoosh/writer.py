"""Whoosh's writing, a field or a term at a time where Whoosh takes one posting per call.

A Whoosh writer pools a segment's postings, sorts them in memory and, past
the pool's size, spills sorted runs to disk that the commit merges; the
commit then writes each term's postings in blocks. Each step made Python
calls per posting. Here a document's field is pooled in one call
(:func:`add_document`) onto its terms' lists, only the distinct terms are
sorted, runs are spilled with :mod:`marshal` a few thousand postings at a
time (pickling each one, at a million articles, made 46 GB of runs), all
runs are merged at once a batch at a time, and each term is written in a few
calls (:class:`_TermWriter`). While a writer runs, the garbage collector
makes no full collection (:func:`without_full_collections`). The files are
Whoosh's own: any Whoosh 2.7 reader reads them.

Relies on ``whoosh.multiproc``, ``whoosh.writing`` and ``whoosh.codec.whoosh3``
of Whoosh 2.7 (pinned: Whoosh<2.8): a writer's pool is replaced while it is
still empty, a sub-writer's job files are read as Whoosh writes them, and
the postings and term index files are written as Whoosh's writers write them
(but for the pickle protocol of a block's data, :data:`DATA_PROTOCOL`).
"""
from __future__ import annotations

import bisect
import gc
import itertools
import marshal
import multiprocessing.connection
import operator
import pickle
import queue
import struct
import sys
import zlib
from array import array
from collections import defaultdict, deque
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3FieldWriter, W3TermInfo
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import PostingPool

from ..store import WriteFailed
from .schema import FrenchText

# Whoosh pickles a block's data with protocol 2, which spells each bytes object (a block's values, a
# posting's positions) as a call to _codecs.encode of a Latin-1 string: 40 bytes more, and a function call to
# read it back. Protocol 4 stores bytes as bytes; Whoosh's reader unpickles any protocol. (34k articles: the
# exact body's blocks half the size, read five times faster.)
DATA_PROTOCOL = 4
RUN_CHUNK = 4096          # postings per marshal call (in whole term lists)
COMPRESS_FROM = 8        # postings: shorter blocks are stored as they are
POSTING_BYTES = 48       # a pooled posting's memory, measured on 10,000 grown articles (Whoosh's tuples took 205)
_LENGTH = struct.Struct("<Q")     # a chunk's size in bytes, before it in a run
_KEY = operator.itemgetter(0)      # of a term list, (field name + NUL + term bytes, flat postings)
_FREQUENCY = operator.itemgetter(1)   # of a field's (term bytes, frequency, weight, value)
_INT = struct.Struct("!i")                  # Whoosh's pack_int
_TERMINFO = W3TermInfo._struct             # flags, total weight, documents, min / max length, max weight, first / last id
_EXTENT = struct.Struct("!qi")             # Whoosh's pack_long + pack_int: where the term's blocks are
_PAIR = struct.Struct("!ii")               # a term index entry's key and value lengths (Whoosh's filetables)


class BulkPool(PostingPool):
    """Whoosh's posting pool, filled a field at a time, kept by term, spilled as sorted term lists.

    Whoosh pools a posting as a (field, term, document, weight, value) tuple
    and sorts all of them before spilling, comparing two or three items each
    time. Here each field's terms are a dict whose value is the term's
    postings as one flat list (document, weight, value, document, ...),
    extended a whole field of a document at a time in C: only the distinct
    terms are sorted when the pool spills, and each term is cut into its
    documents, weights and values by three slices when the commit writes
    it. A run is kept as term lists, (field name + NUL + term bytes, flat
    postings), so that spilling, reading back and merging runs cost a step
    per term, not per posting. All runs are merged at once (Whoosh merges
    128 at a time, writing most postings twice past 128 runs).

    The dicts are keyed by the term as a string, encoded only when spilled
    (code point order is UTF-8's byte order). A text field's terms are the
    analysis's own strings, one object a word with its hash kept, which a
    dict finds by identity: a bytes object made afresh for each posting was
    hashed, then compared byte by byte.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fields: dict[str, defaultdict] = {}

    def _terms(self, fieldname: str) -> defaultdict:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = defaultdict(list)
            self.fieldnames.add(fieldname)
        return terms

    def add(self, item) -> None:
        """One posting as Whoosh gives it (updates and merged segments)."""
        fieldname, btext, docnum, weight, value = item
        self._terms(fieldname)[_text(btext)] += (docnum, weight, value)
        self._grown(1)

    def add_field(self, fieldname: str, docnum: int, items: list[tuple]) -> None:
        """A field's (term, frequency, weight, value) of one document, each term a string (``FrenchText``'s
        postings) or UTF-8 bytes (Whoosh's other fields)."""
        if not items:
            return
        texts, _, weights, values = zip(*items)
        if type(texts[0]) is bytes:
            texts = map(bytes.decode, texts)
        postings = map(self._terms(fieldname).__getitem__, texts)
        _consume(map(list.extend, postings, zip(itertools.repeat(docnum), weights, values)))
        self._grown(len(items))

    def _grown(self, count: int) -> None:
        self.currentsize += POSTING_BYTES * count
        if self.currentsize > self.limit:
            self.save()

    def _term_lists(self) -> list[tuple[bytes, list]]:
        """The pooled postings as (key, flat postings) sorted by key; the pool emptied."""
        lists = []
        for prefix, terms in sorted((name.encode() + b"\0", terms) for name, terms in self._fields.items()):
            lists += [(prefix + text.encode(), terms[text]) for text in sorted(terms)]
        self._fields = {}
        return lists

    def save(self) -> None:
        if self._fields:
            path, f = self._new_run()
            self._write_run(f, self._term_lists())
            self.runs.append(path)
        self.currentsize = 0

    def items(self, maxfiles=None):
        """Term lists, (key, flat postings), sorted by key; a key's lists in document order."""
        if not self.runs:
            return iter(self._term_lists())
        self.save()
        runs, self.runs = self.runs, []
        return itertools.chain.from_iterable(merge_sorted_chunks([self._read_chunks(path) for path in runs]))

    def _write_run(self, f, items: list) -> None:
        # Chunks of about RUN_CHUNK postings, not term lists: the merge holds a chunk of every run at once.
        totals = list(itertools.accumulate(len(flat) // 3 for _, flat in items))
        start = 0
        try:
            while start < len(items):
                end = bisect.bisect_left(totals, (totals[start - 1] if start else 0) + RUN_CHUNK, start) + 1
                data = marshal.dumps(items[start:end])
                f.write(_LENGTH.pack(len(data)))
                f.write(data)
                start = end
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


def _text(term: str | bytes) -> str:
    return term.decode() if type(term) is bytes else term


def _consume(iterator: Iterator) -> None:
    deque(iterator, maxlen=0)


def merge_sorted_chunks(runs: list) -> Iterator[list]:
    """Sorted runs, each given as an iterator of lists sorted by key, merged into sorted batches.

    Whoosh merges runs with :func:`heapq.merge`, a Python step per item. Here,
    each round takes from every run's current list whatever has a key not
    greater than the smallest of their last keys (nothing left in any run
    can come before it), and sorts that batch on its keys in C (Timsort
    merges the sorted pieces; it is stable, so equal keys keep their runs'
    order, which is the documents').
    """
    live = [(run, chunk, 0) for run in runs if (chunk := next(run, None))]
    while live:
        bound = min(chunk[-1][0] for _, chunk, _ in live)
        batch, kept = [], []
        for run, chunk, start in live:
            cut = bisect.bisect_right(chunk, bound, start, key=_KEY)
            batch += chunk[start:cut]
            if cut < len(chunk):
                kept.append((run, chunk, cut))
            elif chunk := next(run, None):
                kept.append((run, chunk, 0))
        batch.sort(key=_KEY)
        yield batch
        live = kept


def use_bulk_pool(writer) -> None:
    """Give a Whoosh segment writer that has no posting yet a :class:`BulkPool` of its pool's size."""
    if not isinstance(writer.pool, BulkPool):
        writer.pool = BulkPool(writer._tempstorage, writer.newsegment, limitmb=writer.pool.limit >> 20)


def add_document(writer, fields: dict) -> None:
    """Whoosh's ``SegmentWriter.add_document``, each field's postings pooled as one list.

    What our schema and documents use of it: no spelling or vector fields,
    no per-document or per-field boosts (fields' boosts are in their formats).
    """
    writer._check_state()
    schema, perdoc, docnum = writer.schema, writer.perdocwriter, writer.docnum
    perdoc.start_doc(docnum)
    for fieldname in sorted(name for name in fields if not name.startswith("_")):
        value = fields[fieldname]
        if value is None:
            continue
        field = schema[fieldname]
        length = 0
        if field.indexed:
            items = field.postings(value) if isinstance(field, FrenchText) else list(field.index(value))
            writer.pool.add_field(fieldname, docnum, items)
            if field.scorable:
                length = sum(map(_FREQUENCY, items))
        stored = fields.get("_stored_" + fieldname, value)
        perdoc.add_field(fieldname, field, stored if field.stored else None, length)
        if field.column_type and stored is not None:
            perdoc.add_column_value(fieldname, field.column_type, field.to_column_value(stored))
    perdoc.finish_doc()
    writer._added = True
    writer.docnum += 1


@contextmanager
def without_full_collections() -> Iterator[None]:
    """Only the garbage collector's young generations while postings are pooled and written.

    A pool holds a list per term, millions of them, which the collector's
    full collections examined over and over: a quarter of a writer's time
    (40,000 articles: adding 2.3 -> 1.7 ms, the commit 1.1 -> 0.75 ms per
    article). Writing makes almost no reference cycles (a few dozen in
    those 40,000 articles) and the young generations still collect them.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], 1 << 30)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


class _BulkSubWriter(SubWriterTask):
    """Whoosh's sub-writer, adding with :func:`add_document` the documents of Whoosh's job files and of parts.

    A job is Whoosh's (job file name, document count), or (None, part) for a
    part whose documents ``documents`` makes, in this process.
    """

    documents: Callable[[Any], Iterable[dict]] | None = None

    def run(self):
        with without_full_collections():
            try:
                super().run()
            except OSError as exc:        # a full disk: said in a line, and the parent gives up (exit code 1)
                sys.exit(f"manchette: a writer process stopped: {exc}")

    def _process_file(self, filename: str | None, job) -> None:
        writer = self.writer
        use_bulk_pool(writer)
        for fields in self.documents(job) if filename is None else self._job_file(filename, job):
            add_document(writer, fields)

    def _job_file(self, filename: str, doc_count: int) -> Iterator[dict]:
        with self.writer.temp_storage().open_file(filename).raw_file() as f:
            for _ in range(doc_count):
                yield pickle.load(f)[1]
        self.writer.temp_storage().delete_file(filename)


class BulkMpWriter(MpWriter):
    """``ix.writer(procs=N, multisegment=True)`` whose sub-writers spill with :class:`BulkPool`, and make
    documents themselves (:meth:`add_parts`)."""

    _documents: Callable[[Any], Iterable[dict]] | None = None

    def add_parts(self, documents: Callable[[Any], Iterable[dict]], parts: Iterable) -> None:
        """Each part's documents, made by ``documents(part)`` in the sub-writers, forked now: only the parts
        pass between processes (each document did, pickled twice, in a job file)."""
        if self.tasks:
            raise RuntimeError("add_parts() must come before add_document() in a writer")
        self._documents = documents
        while len(self.tasks) < self.procs:
            self._new_task()
        for part in parts:
            self._put((None, part))
        self._added_sub = True

    def _put(self, job) -> None:
        # A sub-writer that stopped reads no more jobs: waiting for room in the queue would wait for ever.
        while True:
            try:
                return self.jobqueue.put(job, timeout=1)
            except queue.Full:
                self._check_tasks()

    def commit(self, *args, **kwargs) -> None:
        if self._added_sub:
            # Whoosh's commit waits for each sub-writer's end, which never comes if another one stopped
            # holding the job queue's lock: the sub-writers are told to finish and waited for here.
            if self.docbuffer:
                self._enqueue()
            for _ in self.tasks:
                self._put(None)
            running = list(self.tasks)
            while running:
                multiprocessing.connection.wait([task.sentinel for task in running])
                self._check_tasks()
                running = [task for task in running if task.is_alive()]
        super().commit(*args, **kwargs)

    def _check_tasks(self) -> None:
        stopped = [task.exitcode for task in self.tasks if task.exitcode]
        if stopped:
            for task in self.tasks:       # the others may wait for ever, and this process for them at exit
                task.kill()
            self.jobqueue.cancel_join_thread()
            raise WriteFailed(f"{len(stopped)} of the {len(self.tasks)} writer processes stopped "
                              f"(exit code {stopped[0]}): the index was not written")

    def _new_task(self):
        task = _BulkSubWriter(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
                              self.multisegment)
        task.documents = self._documents
        self.tasks.append(task)
        task.start()
        return task


class BulkFieldWriter(W3FieldWriter):
    """Whoosh 3's field writer, given each term's postings as one list.

    The pool gives postings sorted by field, term and document. Each term's
    blocks and term info are written by :class:`_TermWriter` as Whoosh's
    field and postings writers write them (see :data:`DATA_PROTOCOL`). ``Codec`` keeps no
    per-block length statistics (``length_stats``), so ``lengths`` is None
    and a posting's field length is not needed. No field of the schema has
    spelling postings.
    """

    def add_postings(self, schema, lengths, items) -> None:
        fieldname, terms = None, None
        for key, lists in itertools.groupby(items, _KEY):
            name, _, btext = key.partition(b"\0")
            if name != fieldname:
                self._finish(terms)
                fieldname = name
                self.start_field(name.decode(), schema[name.decode()])
                terms = _TermWriter(self)
            postings = _joined([flat for _, flat in lists])      # one list per run the term is in
            terms.write(btext, postings[0::3], postings[1::3], postings[2::3])
        self._finish(terms)

    def _finish(self, terms: _TermWriter | None) -> None:
        if terms is not None:
            terms.close()
            self.finish_field()


class _TermWriter:
    """One field's terms written to Whoosh 3's postings file and term index, a few calls per term.

    Whoosh writes a term through some forty Python calls (terminfo, block
    buffers, statistics, minified ids and weights, one file write per piece):
    with most terms holding a few postings, that was two thirds of a commit.
    Here a term's blocks are built from its list of postings and written at
    once. Each block is Whoosh's: a length (negative for the last), the
    pickled block info, the (id deltas, weights, values) pickled with
    ``DATA_PROTOCOL`` and compressed from ``COMPRESS_FROM`` postings (zlib
    saves little on a few, and costs a call to write and another to read).
    """

    def __init__(self, fieldwriter: W3FieldWriter):
        codec = fieldwriter._codec
        self._file = fieldwriter._postfile.file      # under Whoosh's StructFile, whose write() is a Python call
        self._offset = fieldwriter._postfile.tell()
        self._prefix = pack_ushort(fieldwriter._fieldid)
        self._terms = fieldwriter._tindex            # Whoosh's OrderedHashWriter, its add() made inline
        self._terms_file = self._terms.dbfile.file
        self._terms_offset = self._terms.dbfile.tell()
        self._key = b""
        self._fixed_size = fieldwriter._format.fixed_value_size()
        self._blocklimit = codec._blocklimit
        self._level = codec._compression
        self._lengths = (length_to_byte(None), length_to_byte(0))    # no length statistics (``length_stats``)

    def write(self, btext: bytes, ids: list, weights: list, values: list) -> None:
        """One term's documents (ascending), weights and values."""
        start, pieces, total, maxweight = self._offset, [WHOOSH3_HEADER_MAGIC], 0, 0
        limit = self._blocklimit
        for first in range(0, len(ids), limit):
            block_ids = ids[first:first + limit]
            block_weights = weights[first:first + limit]
            rounded = array("f", block_weights)         # Whoosh keeps a block's weights as 32-bit floats
            total += sum(rounded)
            block_max = max(0, max(block_weights))
            maxweight = max(maxweight, block_max)
            comp = self._level if len(block_ids) >= COMPRESS_FROM else 0
            data = pickle.dumps((tuple(map(operator.sub, block_ids, itertools.chain((0,), block_ids))),
                                 _mini_weights(rounded), self._mini_values(values[first:first + limit])),
                                DATA_PROTOCOL)
            if comp:
                data = zlib.compress(data, comp)
            info = pickle.dumps((len(block_ids), block_ids[-1], block_max, comp) + self._lengths, 2)
            size = len(info) + len(data)
            pieces += (_INT.pack(-size if first + limit >= len(ids) else size), info, data)
        chunk = b"".join(pieces)
        self._file.write(chunk)
        self._offset += len(chunk)
        terminfo = _TERMINFO.pack(0, total, len(ids), self._lengths[0], self._lengths[1], maxweight,
                                  ids[0], ids[-1]) + _EXTENT.pack(start, len(chunk))
        self._add_terminfo(self._prefix + btext, terminfo)

    def _add_terminfo(self, key: bytes, terminfo: bytes) -> None:
        """``OrderedHashWriter.add``: the pair after its two lengths, its place kept by hash and in key order."""
        entry = _PAIR.pack(len(key), len(terminfo)) + key + terminfo
        self._terms_file.write(entry)
        terms, offset = self._terms, self._terms_offset
        digest = terms.hashfn(key)
        terms.buckets[digest & 255].append((digest, offset))
        terms.index.append(offset)
        self._terms_offset = offset + len(entry)
        self._key = key

    def close(self) -> None:
        if self._key:
            self._terms.lastkey = self._key      # what Whoosh checks the next field's first key against

    def _mini_values(self, block: list):
        values = tuple(filter(None, block))       # Whoosh keeps a posting's value when it has one
        if self._fixed_size is None or self._fixed_size < 0:
            return values
        return None if self._fixed_size == 0 else b"".join(values)


def _joined(parts: list[list]) -> list:
    """A term's lists from several runs as one, copied once (joining them pairwise grows with the runs)."""
    return parts[0] if len(parts) == 1 else list(itertools.chain.from_iterable(parts))


def _mini_weights(weights: array):
    """Whoosh's: None when all are 1, one number when all are equal, else all of them."""
    if weights.count(1.0) == len(weights):
        return None
    if weights.count(weights[0]) == len(weights):
        return weights[0]
    return tuple(weights)
