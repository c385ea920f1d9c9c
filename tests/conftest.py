"""Shared fixtures: real indexes built through the pipeline from ../shared data.

The engine contract (query language, facets, articles, ranking rules) runs on
every engine: fixtures named ``*_engine`` are parametrised over
:data:`ENGINES`, and the SolrCloud run starts a local cluster once per session.
"""
from __future__ import annotations

import gzip
import itertools
import json
import tarfile
import uuid
from pathlib import Path

import pytest

import solrcloud
from indexer import pipeline
from search.engine import Engine, open_engine
from search.store import Store, open_store

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus" / "fr-news.jsonl.gz"
HTML_SAMPLE = SHARED / "corpus" / "orangesum-html-sample.tar.gz"
CORPUS_SUBSET = 2000


def corpus_lines(count: int, start: int = 0) -> list[str]:
    with gzip.open(CORPUS, "rt", encoding="utf-8", newline="\n") as handle:
        return list(itertools.islice(handle, start, start + count))


def sample_pages(folder: Path, count: int) -> list[Path]:
    """The first ``count`` saved pages of the HTML sample (by name), extracted into ``folder``."""
    with tarfile.open(HTML_SAMPLE) as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile()), key=lambda m: m.name)[:count]
        tar.extractall(folder, members=members, filter="data")
    return [folder / m.name for m in members]


ENGINES = ("whoosh", "solr")


def build_index(paths: list[Path], location, **options) -> pipeline.Report:
    options.setdefault("workers", 2)
    return pipeline.build(paths, open_store(location), pipeline.Options(**options))


def untitled_records() -> dict[str, dict]:
    """Real corpus records without their title, one per way a display title is found, by id.

    ``titled`` is ``dateline``'s record as published, title included, to compare with.
    """
    real = [json.loads(line) for line in corpus_lines(20)]

    def untitled(record: dict, **changes) -> dict:
        return {**record, "title": "", **changes}
    congress = real[4]        # « Le Congrès américain adopte des sanctions… »
    return {
        "sans-titre/adresse": untitled(real[1]),                             # the slug: Déclaration d'intérêts…
        "sans-titre/phrase": untitled(real[19], url=None),                   # a short first sentence
        "sans-titre/longue": untitled(real[2], url=None),                    # a first sentence over 110 characters
        "sans-titre/depeche": untitled(congress, url=None, text="PARIS (AFP) - " + congress["text"]),
        "sans-titre/adresse-id": untitled(real[5], url="https://www.example.ch/article.php?id=5207383"),
        "sans-titre/meta": untitled(real[6], extra={**real[6]["extra"], "headline": real[6]["title"]}),
        "sans-titre/balises": untitled(real[7], url=None, text="<script>alert('titre')</script> " + real[7]["text"]),
        "titled": {**congress},
    }


@pytest.fixture(scope="session")
def untitled_index(tmp_path_factory) -> Path:
    """An index of :func:`untitled_records` (no person extraction: titles are the point)."""
    root = tmp_path_factory.mktemp("untitled")
    source = root / "untitled.jsonl"
    source.write_text("".join(json.dumps({**record, "id": ident}, ensure_ascii=False) + "\n"
                              for ident, record in untitled_records().items()), encoding="utf-8")
    report = build_index([source], root / "index", workers=1, entities=False)
    assert report.indexed == len(untitled_records()) and report.failed == 0
    return root / "index"


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """The five seed articles, indexed with persons and topics."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    report = build_index([SEEDS], index_dir, workers=1)
    assert report.indexed == 5 and report.failed == 0
    return index_dir


@pytest.fixture(scope="session")
def corpus_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "fr-news-subset.jsonl"
    path.write_text("".join(corpus_lines(CORPUS_SUBSET)), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, corpus_file) -> Path:
    """The seeds plus the first 2,000 corpus records, with persons and topics."""
    index_dir = tmp_path_factory.mktemp("corpus-index")
    report = build_index([SEEDS, corpus_file], index_dir)
    assert report.failed == 0
    return index_dir


@pytest.fixture(scope="module")
def app(corpus_index):
    """The web app on the corpus index, as the test client sees it."""
    from web import create_app
    return create_app({"INDEX": corpus_index, "TESTING": True})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def untitled_client(untitled_index):
    """The web app's test client on :func:`untitled_index`."""
    from web import create_app
    return create_app({"INDEX": untitled_index, "TESTING": True}).test_client()


@pytest.fixture(scope="session")
def solr_cluster(tmp_path_factory) -> solrcloud.LocalCluster:
    """A local SolrCloud (2 nodes, ZooKeeper) for the session: its URL .../solr and folder.

    Started on free ports with solr/cluster.py and stopped at the end, unless
    MANCHETTE_TEST_SOLR names one already running.
    """
    with solrcloud.running_cluster(tmp_path_factory.mktemp("solr")) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def solr_url(solr_cluster) -> str:
    return solr_cluster.url


# --- every engine ---------------------------------------------------------------------------------

@pytest.fixture(scope="session", params=ENGINES)
def engine_kind(request) -> str:
    return request.param


def solr_location(request, name: str) -> str:
    """A collection alias on the test cluster (started on first use)."""
    return f"solr+{request.getfixturevalue('solr_url')}/{name}"


@pytest.fixture(scope="session")
def seed_location(request, engine_kind, seed_index) -> str:
    if engine_kind == "whoosh":
        return str(seed_index)
    location = solr_location(request, "seeds")
    report = build_index([SEEDS], location, workers=1)
    assert report.indexed == 5 and report.failed == 0
    return location


@pytest.fixture(scope="session")
def corpus_location(request, engine_kind, corpus_index, corpus_file) -> str:
    if engine_kind == "whoosh":
        return str(corpus_index)
    location = solr_location(request, "corpus")
    report = build_index([SEEDS, corpus_file], location)
    assert report.failed == 0
    return location


@pytest.fixture(scope="session")
def seed_engine(seed_location) -> Engine:
    return open_engine(seed_location)


@pytest.fixture(scope="session")
def corpus_engine(corpus_location) -> Engine:
    return open_engine(corpus_location)


@pytest.fixture
def fresh_store(request, engine_kind, tmp_path) -> Store:
    """An empty index of the engine under test, for tests that write their own articles."""
    if engine_kind == "whoosh":
        return open_store(tmp_path / "index")
    return open_store(solr_location(request, f"t{uuid.uuid4().hex[:12]}"), shards=2, replicas=1)
