"""Posting lists of a Whoosh index as NumPy arrays, with their BM25F scores, cached.

A query's posting lists are read once into arrays of document numbers with
their BM25F scores (the same formula and statistics as Whoosh's ``BM25F``) and
kept in a bounded cache, since common words recur across queries.
"""
from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.util.numeric import _length_byte_cache
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F

CACHE_BYTES = 256 * 1024 * 1024    # posting lists kept in memory, per opened index
# Fields phrases run on: their word positions are kept from the first read (the
# proximity clause of every multi-word query comes back for them).
POSITIONAL_FIELDS = frozenset({"title_exact", "body_exact", "person_names"})


@dataclass
class PostingList:
    ids: np.ndarray                       # document numbers, ascending
    scores: np.ndarray                    # BM25F score of the term in each of them
    positions: _Positions | None = None   # read on first need (phrases), then kept


@dataclass
class _Positions:
    """Each posting's encoded word positions, packed: decoded only for the documents asked for."""

    blob: bytes
    offsets: np.ndarray
    decode: object                        # the field format's decode_positions

    def of(self, index: int) -> list[int]:
        return self.decode(self.blob[self.offsets[index]:self.offsets[index + 1]])


class Postings:
    """Posting lists of one opened index as arrays with their BM25F scores, cached.

    Scores use Whoosh's own statistics (idf over all documents, average and
    quantised per-document field lengths, field boosts folded into the
    weights at indexing time), so a term scores here what it scores in Whoosh.
    """

    def __init__(self, reader, weighting: BM25F, budget: int = CACHE_BYTES):
        self.count = reader.doc_count_all()
        self.weighting = weighting
        self.budget = budget
        self._lengths: dict[str, np.ndarray] = {}
        self._cache: OrderedDict[tuple[str, bytes], PostingList] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, reader, fieldname: str, text: str | bytes, positions: bool = False) -> PostingList:
        positions = positions or fieldname in POSITIONAL_FIELDS
        btext = text if isinstance(text, bytes) else reader.schema[fieldname].to_bytes(text)
        key = (fieldname, btext)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
        if found is not None and (found.positions is not None or not positions):
            return found
        ids, weights, values = _read_postings(reader, fieldname, btext, positions)
        entry = PostingList(ids, self._bm25(reader, fieldname, btext, ids, weights))
        if positions:
            lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
            offsets = np.concatenate(([0], np.cumsum(lengths)))
            entry.positions = _Positions(b"".join(values), offsets, reader.schema[fieldname].format.decode_positions)
        self._remember(key, entry)
        return entry

    def frequencies(self, reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and the term's weight in each (its frequency × the field's boost); not cached."""
        ids, weights, _ = _read_postings(reader, fieldname, reader.schema[fieldname].to_bytes(text), False)
        return ids, weights

    def _bm25(self, reader, fieldname, btext, ids, weights) -> np.ndarray:
        if not len(ids) or not reader.schema[fieldname].scorable:
            return np.zeros(len(ids), dtype=np.float32)
        w = self.weighting
        b = w._field_B.get(fieldname, w.B)
        # Whoosh's doc_frequency is the number of postings, deleted documents' included: len(ids), without
        # looking the term up again in every segment.
        idf = math.log(self.count / (len(ids) + 1)) + 1
        average = reader.field_length(fieldname) / (self.count or 1) or 1
        lengths = self.lengths(reader, fieldname)[ids]
        scores = idf * (weights * (w.K1 + 1)) / (weights + w.K1 * ((1 - b) + b * lengths / average))
        return scores.astype(np.float32)

    def lengths(self, reader, fieldname: str) -> np.ndarray:
        """Per-document field lengths, as quantised by Whoosh (what its scorer sees)."""
        found = self._lengths.get(fieldname)
        if found is None:
            found = np.zeros(self.count, dtype=np.float64)
            for leaf, offset in reader.leaf_readers():
                perdoc = leaf._perdoc
                if perdoc.has_column(_lenfield(fieldname)):
                    quantised = column_values(perdoc.column_reader(_lenfield(fieldname), LENGTHS_COLUMN),
                                              leaf.doc_count_all())
                    found[offset:offset + len(quantised)] = _BYTE_TO_LENGTH[quantised]
            self._lengths[fieldname] = found
        return found

    def _remember(self, key, entry: PostingList) -> None:
        with self._lock:
            old = self._cache.pop(key, None)
            if old is not None:
                self._bytes -= _size(old)
            self._cache[key] = entry
            self._bytes += _size(entry)
            while self._bytes > self.budget and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                self._bytes -= _size(dropped)


def _size(entry: PostingList) -> int:
    extra = len(entry.positions.blob) + entry.positions.offsets.nbytes if entry.positions else 0
    return entry.ids.nbytes + entry.scores.nbytes + extra


_BYTE_TO_LENGTH = np.array(_length_byte_cache, dtype=np.float64)   # Whoosh's byte_to_length, as a table


def column_values(column_reader, size: int) -> np.ndarray:
    """A Whoosh 2.7 numeric column (one fixed-size big-endian value per document) as one array.

    Read as one block: Whoosh's reader unpacks one value per Python call, seconds
    for every opening of a 300,000-article index. Documents past the stored
    values get the column's default, as Whoosh gives them.
    """
    dtype = np.dtype(column_reader._typecode).newbyteorder(">")
    stored = min(column_reader._count, size)
    raw = column_reader._dbfile.get(column_reader._basepos, stored * dtype.itemsize)
    values = np.full(size, column_reader._default, dtype=dtype.newbyteorder("="))
    values[:stored] = np.frombuffer(raw, dtype=dtype, count=stored)
    return values


def _read_postings(reader, fieldname: str, btext: bytes, positions: bool):
    """Document numbers, weights (and encoded positions) of a term over every segment.

    Deleted documents are included: the live mask removes them later.
    """
    ids, weights, values = [], [], []
    for leaf, offset in reader.leaf_readers():
        try:
            matcher = leaf.postings(fieldname, btext)
        except TermNotFound:      # one lookup of the term where asking first would make two
            continue
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        read = _blocks if isinstance(matcher, W3LeafMatcher) else _step
        leaf_ids, leaf_weights = read(matcher, values if positions else None)
        ids.append(leaf_ids + offset)
        weights.append(leaf_weights)
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64), values
    return np.concatenate(ids), np.concatenate(weights), values


def document_numbers(leaf, fieldname: str, btext: bytes) -> np.ndarray:
    """The document numbers of a term in one segment, deleted ones included."""
    return _read_postings(leaf, fieldname, btext, False)[0]


def _blocks(matcher: W3LeafMatcher, values: list | None) -> tuple[np.ndarray, np.ndarray]:
    """A Whoosh 2.7 posting list read block by block: Whoosh's per-posting loop costs ~5x more.

    Relies on the block layout of ``whoosh.codec.whoosh3`` (pinned: Whoosh<2.8):
    each block's data is (ids as deltas, weights or a constant or None, values).
    """
    ids, weights = [], []
    while matcher.is_active():
        matcher._read_data()
        deltas, block_weights, block_values = matcher._data
        block_ids = np.asarray(deltas, dtype=np.int64)
        ids.append(block_ids if matcher._byteids else np.cumsum(block_ids))
        if block_weights is None or isinstance(block_weights, float):
            weights.append(np.full(len(block_ids), block_weights or 1.0))
        else:
            weights.append(np.asarray(block_weights, dtype=np.float64))
        if values is not None:
            values.extend(block_values)
        matcher._next_block()
    if not ids:     # a term left in a merged segment with none of its articles (all replaced or removed)
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.concatenate(ids), np.concatenate(weights)


def _step(matcher, values: list | None) -> tuple[np.ndarray, np.ndarray]:
    """Any other matcher (e.g. a short list inlined in the term info), one posting at a time."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if values is not None:
            values.append(matcher.value())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)
