"""Readers -> enrichment -> writer: a full rebuild or an incremental update.

Enrichment (language, persons, topics) runs in a pool of worker processes;
persons are then merged across the whole archive (one person, one value)
before anything is written, which is why articles are read first and written
last.
"""
from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from search.analysis import fold
from search.document import Article
from search.persons import PersonRegistry
from search.record import record_of
from search.sources import normalize_source
from search.store import Batch, Store, StoredEntry

from .enrich import copies
from .enrich.agencies import agencies_of
from .enrich.language import detect_language
from .enrich.persons import PersonExtractor, build_registry, canonicalize
from .enrich.topics import TopicAssigner
from .readers import FileJob, Problem, input_jobs, read_file

BATCH = 64        # articles per enrichment task
READ_CHUNK = 8    # files per reading task: small text files cost less than passing them between processes


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

def read_articles(paths: list[Path], report: Report, options: Options) -> list[Article]:
    """Every readable article once; each bad input becomes one reported problem."""
    jobs = input_jobs(paths)
    articles: dict[str, Article] = {}
    options.progress("read", 0, len(jobs))
    for done, items in enumerate(_read_jobs(jobs, options.workers), 1):
        for item in items:
            if isinstance(item, Article):
                item = _keep(item, articles)
            if item is not None:
                _problem(item, report, options)
        options.progress("read", done, len(jobs))
    report.read = len(articles)
    report.undated = sum(bool(a.date_text and a.published is None) for a in articles.values())
    return list(articles.values())


def _read_jobs(jobs: list[FileJob | Problem], workers: int) -> Iterator[list[Article | Problem]]:
    """What each job gives, in order; files are read in parallel because
    extracting a saved page costs as much as finding its persons."""
    if workers < 2 or len(jobs) < 2:
        yield from map(_read_job, jobs)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_read_job, jobs, chunksize=READ_CHUNK)


def _read_job(job: FileJob | Problem) -> list[Article | Problem]:
    return [job] if isinstance(job, Problem) else list(read_file(job))


def _keep(article: Article, articles: dict[str, Article]) -> Problem | None:
    """Add the article to ``articles`` unless its id is taken; the problem with the one left out.

    A page captured more than once (web archives, re-crawls) is indexed from
    its latest capture; any other repeated id is an error in the input.
    """
    kept = articles.setdefault(article.id, article)
    if kept is article:
        return None
    if not (article.captured and kept.captured):
        return Problem(article.origin,
                       f"duplicate id {article.id!r} (already read from {kept.origin}); not indexed")
    newer, older = (article, kept) if article.captured > kept.captured else (kept, article)
    articles[article.id] = newer
    return Problem(older.origin, f"{older.id!r}: the capture of {older.captured:%Y-%m-%d %H:%M} is older "
                   f"than the one in {newer.origin} ({newer.captured:%Y-%m-%d %H:%M}), which is indexed",
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
    """Per-process enrichment state: models load once per worker, lazily."""

    def __init__(self, cache_dir: Path | None, entities: bool):
        self.cache_dir = cache_dir
        self.entities = entities
        self._persons = None
        self._topics = None

    def __call__(self, batch: list[Article]) -> list[tuple[str, list[str], list[str]]]:
        if self._topics is None:
            self._topics = TopicAssigner()
            if self.entities:
                self._persons = PersonExtractor(cache_dir=self.cache_dir)
        langs = [detect_language(a.title, a.body, a.lang) for a in batch]
        persons = self._persons.extract(batch) if self._persons else [[] for _ in batch]
        topics = [self._topics.assign(a) for a in batch]
        agencies = [agencies_of(a) for a in batch]
        fingerprints = [copies.fingerprint(a.body) for a in batch]
        return list(zip(langs, persons, topics, agencies, fingerprints))


_worker_enricher: _Enricher | None = None


def _init_worker(cache_dir, entities):
    global _worker_enricher
    _worker_enricher = _Enricher(cache_dir, entities)


def _enrich_in_worker(batch):
    return _worker_enricher(batch)


def enrich(articles: list[Article], cache_dir: Path | None, options: Options) -> None:
    """Fill lang, persons (as extracted, per article) and topics, in place."""
    batches = [articles[i:i + BATCH] for i in range(0, len(articles), BATCH)]
    done = 0
    options.progress("enrich", 0, len(articles))
    if options.workers > 1 and len(batches) > 1:
        context = multiprocessing.get_context("fork")
        with context.Pool(options.workers, _init_worker, (cache_dir, options.entities)) as pool:
            results = pool.imap(_enrich_in_worker, batches)
            for batch, result in zip(batches, results):
                done = _apply(batch, result, done, len(articles), options)
    else:
        enricher = _Enricher(cache_dir, options.entities)
        for batch in batches:
            done = _apply(batch, enricher(batch), done, len(articles), options)


def _apply(batch, result, done, total, options) -> int:
    for article, (lang, persons, topics, agencies, fingerprint) in zip(batch, result):
        article.lang, article.persons, article.topics = lang, persons, topics
        article.agencies, article.fingerprint = agencies, fingerprint
    done += len(batch)
    options.progress("enrich", done, total)
    return done


# --- writing --------------------------------------------------------------------------

def _merge_persons(articles: list[Article], kept: Iterable[list[str]] = ()) -> PersonRegistry:
    """One person, one value across the archive; rewrites each article's list."""
    fresh = [a.persons for a in articles]
    registry = build_registry([*kept, *fresh])
    for article, names in zip(articles, canonicalize(fresh, registry)):
        article.persons = names
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


def _meta(source_names: dict[str, str], registry: PersonRegistry, report: Report) -> dict:
    return {
        "sources": source_names,
        "persons": registry.to_dict(),
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "last_run": report.to_dict(),
    }


def _write(batch: Batch, articles: list[Article], registry: PersonRegistry, options: Options) -> None:
    variants = {name: registry.variants(name) for a in articles for name in a.persons}
    options.progress("write", 0, len(articles))
    for number, article in enumerate(articles, 1):
        batch.add(record_of(article, variants))
        if number % 500 == 0:
            options.progress("write", number, len(articles))
    options.progress("write", len(articles), len(articles))


def _commit(batch: Batch, meta: dict, options: Options) -> None:
    options.progress("commit", 0, 1)
    batch.commit(meta)


def build(paths: list[Path], store: Store, options: Options) -> Report:
    """Full rebuild beside the live index, swapped in only when complete."""
    started = time.monotonic()
    report = Report()
    with store.lock():
        articles = read_articles(paths, report, options)
        enrich(articles, store.cache_dir(), options)
        registry = _merge_persons(articles)
        _group_copies(articles)
        with store.rebuild(options.workers) as batch:
            _write(batch, articles, registry, options)
            # The meta's last_run records the report: complete it first.
            report.indexed = len(articles)
            report.elapsed = time.monotonic() - started
            _commit(batch, _meta(_source_names(a.source for a in articles), registry, report), options)
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


def _group_copies(articles: list[Article], kept: dict[str, StoredEntry] | None = None,
                  stored_texts: Callable[[list[str]], dict[str, str]] | None = None) -> dict[str, copies.Decision]:
    """Set each article's copy group and representative flag; the decisions, kept articles' included."""
    fresh = {a.id: a for a in articles}
    entries = [copies.Entry(i, e.published, e.fingerprint, e.group, fresh=False) for i, e in (kept or {}).items()]
    entries += [copies.Entry(a.id, a.published, a.fingerprint) for a in articles]

    def texts(ids: list[str]) -> dict[str, str]:
        found = {i: fresh[i].body for i in ids if i in fresh}
        stored = [i for i in ids if i not in fresh]
        return {**found, **(stored_texts(stored) if stored and stored_texts else {})}
    decisions = copies.group(entries, texts)
    for article in articles:
        article.group, article.representative = decisions[article.id].group, decisions[article.id].representative
    return decisions


def _regrouped(store: Store, changed: list[Article], kept: dict[str, StoredEntry], renamed: list[Article],
               kept_persons: dict[str, list[str]], registry: PersonRegistry) -> list[Article]:
    """Untouched articles, not renamed, whose copy group or representative flag the changes move (a copy
    joined, the representative went), with their persons as the registry names them now. Sets the group of
    the changed and renamed articles too."""
    decisions = _group_copies(changed, kept, lambda ids: {a.id: a.body for a in store.articles(ids)})
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
    started = time.monotonic()
    report = Report()
    with store.lock():
        old_registry = PersonRegistry.from_dict(store.meta().get("persons", {}))
        existing = store.entries()
        articles = read_articles(paths, report, options)
        changed = [a for a in articles if a.id not in existing or existing[a.id].content_hash != a.content_hash()]
        report.unchanged = len(articles) - len(changed)
        # A missing root is a failed input, not an emptied folder: it must not remove anything.
        roots = [p.resolve() for p in paths if p.exists()]
        seen = {a.id for a in articles}
        gone = [i for i, entry in existing.items() if i not in seen and _under(entry.origin, roots)]
        enrich(changed, store.cache_dir(), options)
        replaced = {a.id for a in changed} | set(gone)
        kept = {i: entry for i, entry in existing.items() if i not in replaced}
        kept_persons = {i: [old_registry.canonical(key) or key for key in entry.persons]
                        for i, entry in kept.items() if entry.persons}
        registry = _merge_persons(changed, kept_persons.values())
        renamed = _renamed(store, kept_persons, kept, registry)
        regrouped = _regrouped(store, changed, kept, renamed, kept_persons, registry)
        with store.update() as batch:
            for article_id in gone:
                batch.delete(article_id)
            _write(batch, [*changed, *renamed, *regrouped], registry, options)
            report.renamed = len(renamed)
            report.updated = sum(1 for a in changed if a.id in existing)
            report.indexed = len(changed) - report.updated
            report.removed = len(gone)
            report.elapsed = time.monotonic() - started
            # Counted over every live article, as a rebuild would.
            sources = _source_names([*(entry.source_name for entry in kept.values()), *(a.source for a in changed)])
            _commit(batch, _meta(sources, registry, report), options)
    return report
