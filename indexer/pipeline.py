"""Readers -> enrichment -> writer: a full rebuild or an incremental update.

Enrichment (language, persons, agencies, copy fingerprints) runs in a pool
of worker processes while the articles are read; persons are then merged across the whole archive (one
person, one value) and copies grouped before anything is written, which is
why articles are read first and written last, waiting in between in a spool
on disk (:mod:`.spool`). Topics are found in the processes that write, just
before each part is written (:class:`_Records`).
"""
from __future__ import annotations

import itertools
import multiprocessing
import sys
import time
from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Callable, Iterable, Iterator

from search.analysis import fold
from search.document import Article
from search.persons import PersonRegistry
from search.record import Record, record_of
from search.sources import normalize_source
from search.store import Batch, Store, StoredEntry

from .children import die_with_this_process, frozen_for_children
from .enrich import copies
from .enrich.agencies import agencies_of
from .enrich.language import detect_language
from .enrich.persons import PersonExtractor, TagEvidence, build_registry, canonicalize
from .enrich.topics import TopicAssigner
from .readers import FileJob, Problem, input_jobs, jsonl, read_file, reader_for
from .spool import Entry, Spool

BATCH = 64        # articles per enrichment task
READ_CHUNK = 8    # files per reading task: small text files cost less than passing them between processes
WRITE_PART = 200  # articles per writing task


class StrictStop(Exception):
    """--strict: the first problem ends the run (the live index is untouched)."""


@dataclass
class Report:
    read: int = 0
    indexed: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    undated: int = 0          # a date was printed but could not be read
    renamed: int = 0          # --update: untouched articles whose persons the registry now names otherwise
    elapsed: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return (self.indexed + self.updated) / self.elapsed if self.elapsed else 0.0

    def to_dict(self) -> dict:
        return {
            "read": self.read, "indexed": self.indexed, "updated": self.updated, "removed": self.removed,
            "unchanged": self.unchanged, "skipped": self.skipped, "failed": self.failed,
            "undated": self.undated, "renamed": self.renamed,
            "elapsed_s": round(self.elapsed, 2), "docs_per_s": round(self.rate, 1),
        }


@dataclass
class Options:
    workers: int = 1
    entities: bool = True      # person extraction (spaCy); off for the fastest rebuild
    strict: bool = False
    on_problem: Callable[[Problem], None] = lambda problem: None
    progress: Callable[[str, int, int], None] = lambda phase, done, total: None


# --- reading ----------------------------------------------------------------------

def read_articles(paths: list[Path], report: Report, options: Options, spool: Spool,
                  kept: Callable[[str, Entry], None]) -> dict[str, Entry]:
    """Every readable article once, spooled, each given to ``kept`` as it is; each bad input becomes one
    reported problem."""
    jobs = input_jobs(paths)
    entries: dict[str, Entry] = {}
    done = 0
    options.progress("read", 0, len(jobs))
    for items, job_done in _read_jobs(jobs, options.workers):
        for item in items:
            if isinstance(item, Article):
                item = _keep(item, entries, spool, kept)
            if item is not None:
                _problem(item, report, options)
        if job_done:
            done += 1
            options.progress("read", done, len(jobs))
    report.read = len(entries)
    report.undated = sum(entry.undated for entry in entries.values())
    return entries


def _read_jobs(jobs: list[FileJob | Problem], workers: int) -> Iterator[tuple[list[Article | Problem], bool]]:
    """What the jobs give, in order, in chunks, each with whether it ends its job.

    Files are read in parallel because extracting a saved page costs as much
    as finding its persons. JSON Lines are read here, record by record:
    parsing a line costs less than sending it between processes, and a worker
    would hold the whole file until it is done.
    """
    for in_process, group in itertools.groupby(jobs, _in_process):
        group = list(group)
        if in_process:
            for job in group:
                for chunk in _chunks(read_file(job), READ_CHUNK * BATCH):
                    yield chunk, False
                yield [], True
        elif workers < 2 or len(group) < 2:
            for job in group:
                yield _read_job(job), True
        else:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for items in pool.imap(_read_job, group, chunksize=READ_CHUNK):
                    yield items, True


def _in_process(job: FileJob | Problem) -> bool:
    return isinstance(job, FileJob) and reader_for(job.path) is jsonl


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _read_job(job: FileJob | Problem) -> list[Article | Problem]:
    return [job] if isinstance(job, Problem) else list(read_file(job))


def _keep(article: Article, entries: dict[str, Entry], spool: Spool,
          kept: Callable[[str, Entry], None]) -> Problem | None:
    """Spool the article unless its id is taken; the problem with the one left out.

    A page captured more than once (web archives, re-crawls) is indexed from
    its latest capture; any other repeated id is an error in the input.
    """
    before = entries.get(article.id)
    if before is None:
        entries[article.id] = entry = spool.add(article)
        kept(article.id, entry)
        return None
    if not (article.captured and before.captured):
        return Problem(article.origin,
                       f"duplicate id {article.id!r} (already read from {before.origin}); not indexed")
    if article.captured > before.captured:
        entries[article.id] = entry = spool.add(article)
        kept(article.id, entry)
        newer, older = (article.origin, article.captured), (before.origin, before.captured)
    else:
        newer, older = (before.origin, before.captured), (article.origin, article.captured)
    return Problem(older[0], f"{article.id!r}: the capture of {older[1]:%Y-%m-%d %H:%M} is older "
                   f"than the one in {newer[0]} ({newer[1]:%Y-%m-%d %H:%M}), which is indexed",
                   skipped=True)


def _problem(problem: Problem, report: Report, options: Options) -> None:
    if problem.skipped:
        report.skipped += 1
    else:
        report.failed += 1
    report.problems.append(problem)
    options.on_problem(problem)
    if options.strict and not problem.skipped:
        raise StrictStop(str(problem))


# --- enrichment ---------------------------------------------------------------------

class _Enricher:
    """Per-process enrichment state: models load once per worker, lazily; articles read from the spool."""

    def __init__(self, spool: Spool, cache_dir: Path | None, entities: bool):
        self.spool = spool
        self.cache_dir = cache_dir
        self.entities = entities
        self._persons = None

    def __call__(self, extents: list[tuple[int, int]]) -> tuple[list[tuple], TagEvidence]:
        batch = self.spool.load(extents)
        if self.entities and self._persons is None:
            self._persons = PersonExtractor(cache_dir=self.cache_dir)
        langs = [detect_language(a.title, a.body, a.lang) for a in batch]
        persons = self._persons.extract(batch) if self._persons else [[] for _ in batch]
        agencies = [agencies_of(a) for a in batch]
        fingerprints = [copies.fingerprint(a.body) for a in batch]
        tags = self._persons.take_tags() if self._persons else TagEvidence()
        return list(zip(langs, persons, agencies, fingerprints)), tags


_worker_enricher: _Enricher | None = None


def _init_worker(spool, cache_dir, entities):
    global _worker_enricher
    _worker_enricher = _Enricher(spool, cache_dir, entities)


def _enrich_in_worker(extents):
    return _worker_enricher(extents)


def read_and_enrich(paths: list[Path], report: Report, options: Options, spool: Spool, cache_dir: Path | None,
                    wanted: Callable[[str, Entry], bool] = lambda article_id, entry: True
                    ) -> tuple[dict[str, Entry], TagEvidence]:
    """:func:`read_articles`, the wanted entries given their lang, persons (as extracted, per article),
    agencies and copy fingerprints as they are read; the tag evidence of their entities. (Topics are found
    as articles are written: see :class:`_Records`.)"""
    with _Enrichment(spool, cache_dir, options) as enrichment:
        def kept(article_id: str, entry: Entry) -> None:
            if wanted(article_id, entry):
                enrichment.add(entry)
        entries = read_articles(paths, report, options, spool, kept)
        return entries, enrichment.finish()


class _Enrichment:
    """Entries sent to enrichment a batch at a time while the articles are still being read.

    JSON Lines are parsed in the indexing process (see :func:`_read_jobs`):
    enriching only once all were read left the other core idle for as long
    as reading took (157 s of a million-article rebuild). The worker
    processes are forked at the first full batch, so a small input is
    enriched here; they read their articles from the spool, flushed before
    each batch is sent, and only where they are goes to them.
    """

    AHEAD = 32         # batches sent and not yet applied, past which reading waits for the oldest

    def __init__(self, spool: Spool, cache_dir: Path | None, options: Options):
        self.spool, self.cache_dir, self.options = spool, cache_dir, options
        self.tags = TagEvidence()
        self.sent = self.done = 0
        self._batch: list[Entry] = []
        self._running: deque[tuple[list[Entry], AsyncResult]] = deque()
        self._pool = self._enricher = None
        self._stack = ExitStack()

    def __enter__(self) -> _Enrichment:
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def add(self, entry: Entry) -> None:
        self._batch.append(entry)
        if len(self._batch) == BATCH:
            self._send(self._batch)
            self._batch = []
            while self._running and (len(self._running) > self.AHEAD or self._running[0][1].ready()):
                self._apply_oldest()

    def finish(self) -> TagEvidence:
        """Every entry added enriched; the tag evidence of all."""
        if self._batch:
            self._send(self._batch)
        self.options.progress("enrich", self.done, self.sent)    # while reading, the progress shown is reading's
        while self._running:
            self._apply_oldest()
            self.options.progress("enrich", self.done, self.sent)
        self._stack.close()
        return self.tags

    def _send(self, batch: list[Entry]) -> None:
        self.sent += len(batch)
        extents = self.spool.extents(batch)          # in the batch's order: the spool's, the order read
        if self._pool is None and self.options.workers > 1 and len(batch) == BATCH:
            context = multiprocessing.get_context("fork")
            self._stack.enter_context(frozen_for_children())
            self._pool = self._stack.enter_context(context.Pool(
                self.options.workers, _init_worker, (self.spool, self.cache_dir, self.options.entities)))
        if self._pool is None:
            self._enricher = self._enricher or _Enricher(self.spool, self.cache_dir, self.options.entities)
            self._apply(batch, self._enricher(extents))
        else:
            self._running.append((batch, self._pool.apply_async(_enrich_in_worker, (extents,))))

    def _apply_oldest(self) -> None:
        batch, result = self._running.popleft()
        self._apply(batch, result.get())

    def _apply(self, batch: list[Entry], result: tuple[list[tuple], TagEvidence]) -> None:
        rows, tags = result
        self.tags.merge(tags)
        for entry, (lang, persons, agencies, fingerprint) in zip(batch, rows):
            # Unpickled results hold objects per article for the same few languages and agencies:
            # shared, they save a third of what a million entries take.
            entry.lang, entry.persons = lang and sys.intern(lang), tuple(persons)
            entry.agencies = _shared(agencies)
            entry.fingerprint = copies.packed(fingerprint)
        self.done += len(batch)


_SHARED: dict[tuple[str, ...], tuple[str, ...]] = {}


def _shared(values: list[str]) -> tuple[str, ...]:
    key = tuple(values)
    return _SHARED.setdefault(key, key)


# --- writing --------------------------------------------------------------------------

def _merge_persons(entries: Iterable[Entry], tags: TagEvidence, kept: Iterable[list[str]] = ()) -> PersonRegistry:
    """One person, one value across the archive; rewrites each article's list."""
    entries = list(entries)
    fresh = [e.persons for e in entries]
    registry = build_registry([*kept, *fresh], tags)
    for entry, names in zip(entries, canonicalize(fresh, registry)):
        entry.persons = tuple(names)
    return registry


def _source_names(sources: Iterable[str | None]) -> dict[str, str]:
    """Source key -> display name: the most frequent normalised spelling among the
    given sources (as printed, one per article), the alias table's when aliased."""
    counts: dict[str, dict[str, int]] = {}
    for source in sources:
        normalized = normalize_source(source)
        if normalized:
            key, display = normalized
            spellings = counts.setdefault(key, {})
            spellings[display] = spellings.get(display, 0) + 1
    return {key: max(spellings.items(), key=lambda kv: (kv[1], kv[0]))[0] for key, spellings in counts.items()}


def _meta(source_names: dict[str, str], registry: PersonRegistry, tags: TagEvidence, report: Report) -> dict:
    return {
        "sources": source_names,
        "persons": registry.to_dict(),
        "person_tags": tags.to_dict(),
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "last_run": report.to_dict(),
    }


class _Records:
    """Records of spooled articles, with what enrichment and the person merge gave them, and their topics.

    Called in the process that writes them (a Whoosh writer, forked once the
    merge is done), given parts of (entry, size): the article is read from the
    spool there, not passed from this process. Topics are found here, a part
    at a time, rather than with the rest of enrichment: the classifier reads
    the stemmed title and body that the index is about to be given, and the
    analysis keeps them (``search.analysis._Recent``).
    """

    def __init__(self, spool: Spool, registry: PersonRegistry):
        self.spool = spool
        self.registry = registry
        self.topics = TopicAssigner()
        self.topics.classifier      # loaded before the writer processes fork, and shared with them
        self._variants: dict[str, list[str]] = {}

    def __call__(self, part: list[tuple[Entry, int]]) -> Iterator[Record]:
        articles = [entry.enriched(article) for (entry, _), article
                    in zip(part, self.spool.load((entry.offset, size) for entry, size in part))]
        for article, topics in zip(articles, self.topics.assign_all(articles)):
            article.topics = topics
        return map(self.record, articles)

    def record(self, article: Article) -> Record:
        for name in article.persons:
            if name not in self._variants:
                self._variants[name] = self.registry.variants(name)
        return record_of(article, self._variants)


def _write(batch: Batch, spool: Spool, entries: dict[str, Entry], registry: PersonRegistry, options: Options,
           stored: list[Article] = ()) -> None:
    """The entries' articles from the spool, then articles taken from the live index (``--update``)."""
    records = _Records(spool, registry)
    count = len(entries) + len(stored)
    options.progress("write", 0, count)
    batch.add_all(records, _counted(_chunks(spool.placed(entries.values()), WRITE_PART), options, count))
    for article in stored:
        batch.add(records.record(article))
    if stored:
        options.progress("write", count, count)


def _counted(parts: Iterator[list], options: Options, count: int) -> Iterator[list]:
    done = 0
    for part in parts:
        yield part
        done += len(part)
        options.progress("write", done, count)


def _commit(batch: Batch, meta: dict, options: Options) -> None:
    options.progress("commit", 0, 1)
    batch.commit(meta)


def build(paths: list[Path], store: Store, options: Options) -> Report:
    """Full rebuild beside the live index, swapped in only when complete."""
    die_with_this_process()
    started = time.monotonic()
    report = Report()
    with store.lock(), Spool() as spool:
        entries, tags = read_and_enrich(paths, report, options, spool, store.cache_dir())
        registry = _merge_persons(entries.values(), tags)
        _group_copies(spool, entries)
        with frozen_for_children(), store.rebuild(options.workers) as batch:
            _write(batch, spool, entries, registry, options)
            # The meta's last_run records the report: complete it first.
            report.indexed = len(entries)
            report.elapsed = time.monotonic() - started
            _commit(batch, _meta(_source_names(e.source for e in entries.values()), registry, tags, report), options)
    report.elapsed = time.monotonic() - started   # the printed summary counts the commit; the meta's copy cannot
    return report


def _under(origin: str, roots: list[Path]) -> bool:
    return any(origin == str(root) or origin.startswith(str(root).rstrip("/") + "/") for root in roots)


def _renamed(store: Store, kept_persons: dict[str, list[str]], kept: dict[str, StoredEntry],
             registry: PersonRegistry) -> list[Article]:
    """Untouched articles whose persons the updated registry names otherwise, with the new names.

    New articles can give a surname used alone its owner (``Cazeneuve`` ->
    ``Bernard Cazeneuve``) or a person a new main spelling; without this the
    facet would list the old value beside the new one until the next rebuild.
    """
    names = dict(zip(kept_persons, canonicalize(kept_persons.values(), registry)))
    ids = [i for i, persons in names.items() if [fold(p) for p in persons] != kept[i].persons]
    articles = store.articles(ids)
    for article in articles:
        article.persons = names[article.id]
    return articles


def _group_copies(spool: Spool, fresh: dict[str, Entry], kept: dict[str, StoredEntry] | None = None,
                  stored_texts: Callable[[list[str]], dict[str, str]] | None = None) -> dict[str, copies.Decision]:
    """Set each fresh entry's copy group and representative flag; the decisions, kept articles' included."""
    entries = [copies.Entry(i, e.published, copies.packed(e.fingerprint), e.group, fresh=False)
               for i, e in (kept or {}).items()]
    entries += [copies.Entry(i, e.published, e.fingerprint) for i, e in fresh.items()]

    def texts(ids: list[str]) -> dict[str, str]:
        found = {a.id: a.body for a in spool.load(spool.extents(fresh[i] for i in ids if i in fresh))}
        stored = [i for i in ids if i not in fresh]
        return {**found, **(stored_texts(stored) if stored and stored_texts else {})}
    decisions = copies.group(entries, texts)
    for article_id, entry in fresh.items():
        entry.group, entry.representative = decisions[article_id].group, decisions[article_id].representative
    return decisions


def _regrouped(store: Store, spool: Spool, changed: dict[str, Entry], kept: dict[str, StoredEntry],
               renamed: list[Article], kept_persons: dict[str, list[str]], registry: PersonRegistry) -> list[Article]:
    """Untouched articles, not renamed, whose copy group or representative flag the changes move (a copy
    joined, the representative went), with their persons as the registry names them now. Sets the group of
    the changed and renamed articles too."""
    decisions = _group_copies(spool, changed, kept, lambda ids: {a.id: a.body for a in store.articles(ids)})
    rewritten = {a.id for a in renamed}
    moved = [i for i, entry in kept.items() if i not in rewritten
             and (decisions[i].group, decisions[i].representative) != (entry.group, entry.representative)]
    articles = store.articles(moved)
    for article, persons in zip(articles, canonicalize([kept_persons.get(a.id, []) for a in articles], registry)):
        article.persons = persons
    for article in [*renamed, *articles]:
        article.group, article.representative = decisions[article.id].group, decisions[article.id].representative
    return articles


def update(paths: list[Path], store: Store, options: Options) -> Report:
    """Add new articles, replace changed ones, remove those gone from the given roots."""
    if not store.exists():
        return build(paths, store, options)
    die_with_this_process()
    started = time.monotonic()
    report = Report()
    with store.lock(), Spool() as spool:
        meta = store.meta()
        old_registry = PersonRegistry.from_dict(meta.get("persons", {}))
        existing = store.entries()

        def is_changed(article_id: str, entry: Entry) -> bool:
            return article_id not in existing or existing[article_id].content_hash != entry.content_hash
        read, fresh_tags = read_and_enrich(paths, report, options, spool, store.cache_dir(), is_changed)
        changed = {i: e for i, e in read.items() if is_changed(i, e)}
        report.unchanged = len(read) - len(changed)
        # A missing root is a failed input, not an emptied folder: it must not remove anything.
        roots = [p.resolve() for p in paths if p.exists()]
        gone = [i for i, entry in existing.items() if i not in read and _under(entry.origin, roots)]
        # The kept articles' evidence is the previous run's: removed and replaced articles are not taken out
        # of it (it weighs how the model tags a word; a few articles more or less do not change that).
        tags = TagEvidence(meta.get("person_tags"))
        tags.merge(fresh_tags)
        replaced = set(changed) | set(gone)
        kept = {i: entry for i, entry in existing.items() if i not in replaced}
        kept_persons = {i: [old_registry.canonical(key) or key for key in entry.persons]
                        for i, entry in kept.items() if entry.persons}
        registry = _merge_persons(changed.values(), tags, kept_persons.values())
        renamed = _renamed(store, kept_persons, kept, registry)
        regrouped = _regrouped(store, spool, changed, kept, renamed, kept_persons, registry)
        with store.update() as batch:
            for article_id in gone:
                batch.delete(article_id)
            _write(batch, spool, changed, registry, options, [*renamed, *regrouped])
            report.renamed = len(renamed)
            report.updated = sum(1 for i in changed if i in existing)
            report.indexed = len(changed) - report.updated
            report.removed = len(gone)
            report.elapsed = time.monotonic() - started
            # Counted over every live article, as a rebuild would.
            sources = _source_names([*(entry.source_name for entry in kept.values()),
                                     *(e.source for e in changed.values())])
            _commit(batch, _meta(sources, registry, tags, report), options)
    report.elapsed = time.monotonic() - started
    return report
