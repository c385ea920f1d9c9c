"""`manchette index` / `stats` end to end: rebuild, update, lock, swap, bad input."""
from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from conftest import PROJECT, SEEDS, corpus_lines, sample_pages
from manchette_cli import cli
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import TEXT, Schema
from whoosh.formats import Positions

from search.whoosh import store
from search.whoosh.schema import FrenchText, build_schema
from search.engine import open_engine
from search.request import SearchRequest


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def live_ids(index_dir: Path) -> set[str]:
    return set(store.WhooshStore(index_dir).entries())


def spawn(*args: str, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    return subprocess.Popen([sys.executable, "-m", "manchette_cli", *args], env=env, cwd=PROJECT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


@pytest.fixture
def archive(tmp_path) -> Path:
    root = tmp_path / "archive"
    shutil.copytree(SEEDS, root)
    return root


def test_index_then_stats(archive, tmp_path):
    index_dir = tmp_path / "idx"
    result = run("index", str(archive), "--index", str(index_dir), "--workers", "1", "-q")
    assert result.exit_code == 0, result.output
    assert "read 5, indexed 5, updated 0, removed 0, skipped 0, failed 0" in result.output
    stats = json.loads(run("stats", "--index", str(index_dir), "--json").output)
    assert stats["articles"] == 5
    assert {s["value"] for s in stats["top_sources"]} == {"Chas Pravdy"}


def test_the_log_says_how_long_each_phase_took(archive, tmp_path):
    indexer = spawn("index", str(archive), "--index", str(tmp_path / "idx"), "--workers", "1")
    _, log = indexer.communicate(timeout=300)
    assert indexer.returncode == 0, log
    durations = [line.split()[0] for line in log.splitlines()
                 if re.fullmatch(r"\S+ +(\d+\.\d s|\d+ min \d\d s)", line)]
    assert durations == ["Lecture", "Analyse", "Écriture", "Enregistrement"], log


def test_index_location_from_environment(archive, tmp_path, monkeypatch):
    monkeypatch.setenv("MANCHETTE_INDEX", str(tmp_path / "from-env"))
    assert run("index", str(archive), "--workers", "1", "-q").exit_code == 0
    assert live_ids(tmp_path / "from-env") == {p.stem for p in SEEDS.glob("*.txt")}


def test_update_adds_replaces_and_removes(archive, tmp_path):
    index_dir = tmp_path / "idx"
    assert run("index", str(archive), "--index", str(index_dir), "--workers", "1", "-q").exit_code == 0
    (archive / "003_557e849e480eec8d.txt").unlink()
    changed = archive / "002_d5ed4a4cd01b391f.txt"
    changed.write_text(changed.read_text("utf-8") + "\n\nUn paragraphe ajouté sur les zibelines.\n", "utf-8")
    (archive / "sub").mkdir()
    (archive / "sub" / "nouveau.txt").write_text("Nouvel article\n\nLes zibelines du Kamtchatka.", "utf-8")

    result = run("index", "--update", str(archive), "--index", str(index_dir), "--workers", "1", "-q")
    assert result.exit_code == 0, result.output
    assert "indexed 1, updated 1, removed 1, unchanged 3" in result.output
    ids = live_ids(index_dir)
    assert "003_557e849e480eec8d" not in ids and "sub/nouveau" in ids and len(ids) == 5
    from search.engine import open_engine
    from search.request import SearchRequest
    found = open_engine(index_dir).search(SearchRequest(query="zibelines"))
    assert {h.id for h in found.hits} == {"002_d5ed4a4cd01b391f", "sub/nouveau"}

    again = run("index", "--update", str(archive), "--index", str(index_dir), "--workers", "1", "-q")
    assert "indexed 0, updated 0, removed 0, unchanged 5" in again.output


def test_a_word_whose_articles_were_all_replaced_finds_nothing(archive, tmp_path):
    """Segments merged by an update may keep the word with none of its articles."""
    index_dir = tmp_path / "idx"
    changed = archive / "002_d5ed4a4cd01b391f.txt"
    text = changed.read_text("utf-8")
    for body in (text, text + "\n\nLes zibelines.\n", text):
        changed.write_text(body, "utf-8")
        assert run("index", "--update", str(archive), "--index", str(index_dir), "-q").exit_code == 0
    result = run("search", "zibelines", "--json", "--index", str(index_dir))
    assert result.exit_code == 0 and json.loads(result.output)["total"] == 0


def test_update_leaves_articles_from_other_roots_alone(archive, tmp_path):
    index_dir = tmp_path / "idx"
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "autre-1", "title": "Autre", "text": "Un autre texte."}), "utf-8")
    assert run("index", str(archive), str(other), "--index", str(index_dir), "--workers", "1", "-q").exit_code == 0
    (archive / "000_91c5acc868c998b8.txt").unlink()
    result = run("index", "--update", str(archive), "--index", str(index_dir), "--workers", "1", "-q")
    assert "removed 1" in result.output
    assert "autre-1" in live_ids(index_dir)


def test_bad_input_is_reported_and_the_rest_indexed(tmp_path):
    root = tmp_path / "lot"
    root.mkdir()
    (root / "vide.txt").write_bytes(b"")
    (root / "image.txt").write_bytes(b"\x89PNG\x00\x00\x00\rIHDR" * 20)
    (root / "latin1.txt").write_bytes("Été à Besançon\n\nLe maire présente l’œuvre.".encode("cp1252"))
    (root / "a.jsonl").write_text("\n".join([
        json.dumps({"id": "j1", "title": "Un", "text": "Texte un."}),
        "{pas du json",
        json.dumps({"id": "j2", "title": "Sans texte"}),
        json.dumps({"id": "j1", "title": "Doublon", "text": "Même id."}),
    ]), "utf-8")
    index_dir = tmp_path / "idx"
    result = CliRunner().invoke(cli, ["index", str(root), "--index", str(index_dir), "--workers", "1", "-q"])
    assert result.exit_code == 1
    assert f"{root / 'vide.txt'}: empty file" in result.output
    assert f"{root / 'image.txt'}: binary file, not text" in result.output
    assert f"{root / 'a.jsonl'}:2: malformed JSON" in result.output
    assert f"{root / 'a.jsonl'}:3: record has no text" in result.output
    assert "duplicate id 'j1'" in result.output
    assert "Traceback" not in result.output
    assert "indexed 2" in result.output and "failed 5" in result.output
    assert live_ids(index_dir) == {"j1", "latin1"}


def test_update_of_a_missing_folder_removes_nothing(archive, tmp_path):
    index_dir = tmp_path / "idx"
    assert run("index", str(archive), "--index", str(index_dir), "--workers", "1", "-q").exit_code == 0
    archive.rename(tmp_path / "unmounted")   # e.g. a disk that is not mounted
    result = CliRunner().invoke(cli, ["index", "--update", str(archive), "--index", str(index_dir), "-q"])
    assert "removed 0" in result.output and "failed 1" in result.output
    assert len(live_ids(index_dir)) == 5


def test_update_names_sources_as_a_rebuild_does(tmp_path):
    root = tmp_path / "flux"
    root.mkdir()
    record = lambda i, source: json.dumps({"id": i, "title": "Titre", "text": "Un texte.", "source": source})
    (root / "a.jsonl").write_text("\n".join([record("a1", "GAZETTE DU TARN"), record("a2", "GAZETTE DU TARN")]), "utf-8")
    (root / "b.jsonl").write_text(record("b1", "Gazette du Tarn"), "utf-8")
    index_dir = tmp_path / "idx"
    assert run("index", str(root), "--index", str(index_dir), "--workers", "1", "--no-persons", "-q").exit_code == 0
    (root / "a.jsonl").unlink()
    assert run("index", "--update", str(root), "--index", str(index_dir), "--no-persons", "-q").exit_code == 0
    meta = store.read_meta(store.current_generation(index_dir))
    assert meta["sources"] == {"gazettedutarn": "Gazette du Tarn"}
    assert "source_spellings" not in meta


def test_update_renames_persons_of_untouched_articles_as_a_rebuild_would(tmp_path):
    """A surname used alone gets its owner from a new article: the old articles' value follows.

    The surname is named alone in three articles: named in one only, nobody's
    surname yet, it would be dropped as a stray word (see README, Persons).
    """
    root = tmp_path / "depeches"
    root.mkdir()
    for n, day in enumerate(("mardi", "mercredi", "jeudi")):
        (root / f"a{n}.txt").write_text(
            f"Le ministre s'explique devant les députés\n\nInterrogé {day} à l'Assemblée nationale, Cazeneuve a "
            "défendu la réforme de la police. Selon Cazeneuve, les effectifs seront renforcés l'an prochain.\n",
            "utf-8")
    index_dir = tmp_path / "idx"
    assert run("index", str(root), "--index", str(index_dir), "--workers", "1", "-q").exit_code == 0
    assert [v["value"] for v in open_engine(index_dir).facet_values("person")] == ["Cazeneuve"]
    (root / "b.txt").write_text(
        "Bernard Cazeneuve reçoit les syndicats\n\nLe ministre de l'Intérieur Bernard Cazeneuve a reçu "
        "mercredi les syndicats de policiers place Beauvau. Bernard Cazeneuve a promis des moyens.\n", "utf-8")
    result = run("index", "--update", str(root), "--index", str(index_dir), "--workers", "1", "-q")
    assert "indexed 1" in result.output and "unchanged 3" in result.output
    assert "persons renamed in 3" in result.output
    assert open_engine(index_dir).facet_values("person") == [{"value": "Bernard Cazeneuve", "count": 4}]
    again = run("index", "--update", str(root), "--index", str(index_dir), "--workers", "1", "-q")
    assert "unchanged 4" in again.output and "renamed" not in again.output   # the rewrite kept the content hash


def test_files_read_in_parallel_give_what_one_process_gives(archive, tmp_path):
    sample_pages(archive / "pages", 12)
    read = {}
    for workers in ("1", "2"):
        index_dir = tmp_path / f"idx-{workers}"
        result = run("index", str(archive), "--index", str(index_dir), "--workers", workers, "--no-persons")
        assert "Lecture" in result.output and "fichiers/s" in result.output
        summary = result.output.splitlines()[-1].split(": ", 1)[1].split(", elapsed")[0]
        read[workers] = (store.WhooshStore(index_dir).entries(), summary)
    assert read["1"] == read["2"]
    assert read["1"][1].startswith(f"read {len(read['1'][0])},") and len(read["1"][0]) > 12


def test_writers_spilling_postings_to_disk_give_the_index_one_writer_gives(tmp_path, monkeypatch):
    # A pool of 1 MB makes each of the two writers spill and merge dozens of posting runs.
    archive = tmp_path / "articles.jsonl"
    archive.write_text("".join(corpus_lines(1500, start=3000)), encoding="utf-8")
    answers = {}
    for workers, pool_mb in (("1", store.POOL_MB), ("2", 1)):
        monkeypatch.setattr(store, "POOL_MB", pool_mb)
        index_dir = tmp_path / f"idx-{workers}"
        result = run("index", str(archive), "--index", str(index_dir), "--workers", workers, "--no-persons", "-q")
        assert result.exit_code == 0, result.output
        engine = open_engine(index_dir)
        answers[workers] = [_answer(engine, query) for query in ("", "gouvernement", "Macron retraites",
                                                                 '"gilets jaunes"', "santé OR hôpital")]
        with store.open_generation(index_dir)[1].reader() as reader:
            answers[workers].append({term: reader.doc_frequency(*term) for term in reader.all_terms()})
    assert answers["1"] == answers["2"]
    assert answers["1"][1]["total"] > 50


def test_the_index_holds_the_postings_whooshs_own_writer_gives(tmp_path, monkeypatch):
    # Manchette writes postings in bulk (its text fields, pool, run merge and block writer); Whoosh's own
    # analyzer fields, pool and codec, given the same articles in the same order, must give the same
    # postings, term by term. A 1 MB pool makes the bulk writer spill and merge runs.
    archive = tmp_path / "articles.jsonl"
    archive.write_text("".join(corpus_lines(1100, start=6000)), encoding="utf-8")
    monkeypatch.setattr(store, "POOL_MB", 1)
    result = run("index", str(archive), "--index", str(tmp_path / "idx"), "--workers", "1", "--no-persons", "-q")
    assert result.exit_code == 0, result.output
    built = store.open_generation(tmp_path / "idx")[1]
    (tmp_path / "reference").mkdir()
    reference = whoosh_index.create_in(str(tmp_path / "reference"), _whooshs_own_schema())
    writer = reference.writer(codec=W3Codec(blocklimit=1024))
    with built.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            writer.add_document(**store.whoosh_fields(store.stored_record(fields)))
    writer.commit()
    ours, theirs = _postings(built), _postings(reference)
    assert ours == theirs
    assert len(ours) > 20_000 and max(len(postings) for postings in ours.values()) > 1024   # several blocks


def test_an_updated_index_holds_the_text_postings_a_rebuild_gives(tmp_path):
    # A rebuild pools a field of an article at a time, each term the analysis's string; an update pools what
    # Whoosh gives one posting at a time, its new articles' terms and the merged segments' as bytes. Either
    # way a term must be one term, with all its articles.
    lines = corpus_lines(360, start=9000)
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.jsonl").write_text("".join(lines[:300]), encoding="utf-8")
    assert run("index", str(archive), "--index", str(tmp_path / "updated"), "--no-persons", "-q").exit_code == 0
    changed = json.loads(lines[0])
    changed["text"] += " Un paragraphe ajouté sur les zibelines du Kamtchatka."
    (archive / "a.jsonl").write_text(json.dumps(changed) + "\n" + "".join(lines[1:300]), encoding="utf-8")
    (archive / "b.jsonl").write_text("".join(lines[300:]), encoding="utf-8")
    result = run("index", "--update", str(archive), "--index", str(tmp_path / "updated"), "--no-persons", "-q")
    assert "indexed 60, updated 1," in result.output
    assert run("index", str(archive), "--index", str(tmp_path / "rebuilt"), "--no-persons", "-q").exit_code == 0
    updated, rebuilt = (_text_postings_by_article(tmp_path / name) for name in ("updated", "rebuilt"))
    assert updated == rebuilt
    assert ("body", b"zibelin") in updated and len(updated) > 20_000


def test_fields_no_query_reads_are_stored_not_indexed(corpus_index):
    # Dates are filtered, sorted and counted on their column; URLs, hashes, origins, sections and tags are only
    # shown. Indexed, a date made eight terms, most of them unique to one article, as did a URL and a hash.
    with store.open_generation(corpus_index)[1].reader() as reader:
        indexed = {fieldname for fieldname, _ in reader.all_terms()}
        stored = list(reader.all_stored_fields())
    assert indexed.isdisjoint({"published", "comment_count", "url", "content_hash", "origin", "section", "tags"})
    assert {"id", "title", "body", "body_exact", "source", "lang", "topic", "representative"} <= indexed
    assert all(fields["content_hash"] and fields["origin"] for fields in stored)
    assert sum(bool(fields.get("url") and fields.get("published")) for fields in stored) > len(stored) * 0.9


def _whooshs_own_schema() -> Schema:
    """The index's schema with Whoosh's TEXT, on the same analyzers, for each of Manchette's text fields."""
    fields = {}
    for name, field in build_schema().items():
        if isinstance(field, FrenchText):
            field = TEXT(analyzer=field.analyzer, phrase=isinstance(field.format, Positions), stored=field.stored,
                         field_boost=field.format.field_boost)
        fields[name] = field
    return Schema(**fields)


def _postings(ix) -> dict:
    with ix.reader() as reader:
        return {term: list(_each_posting(reader, term)) for term in reader.all_terms()}


def _text_postings_by_article(index_dir: Path) -> dict:
    """(field, term) -> the (article id, weight, value) of each live article, for the text fields."""
    fieldnames = {name for name, field in build_schema().items() if isinstance(field, FrenchText)}
    found = {}
    with store.open_generation(index_dir)[1].reader() as reader:
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        for term in (term for term in reader.all_terms() if term[0] in fieldnames):
            postings = {(ids[docnum], *rest) for docnum, *rest in _each_posting(reader, term) if docnum in ids}
            if postings:
                found[term] = postings
    return found


def _each_posting(reader, term: tuple):
    """(document number, weight, value) of each posting of the term, deleted documents included."""
    matcher = reader.postings(*term)
    while matcher.is_active():
        yield matcher.id(), matcher.weight(), matcher.value()
        matcher.next()


def _answer(engine, query: str) -> dict:
    result = engine.search(SearchRequest(query=query, per_page=100))
    return {"total": result.total, "ids": sorted(hit.id for hit in result.hits),
            "scores": sorted(round(hit.score, 4) for hit in result.hits),
            "facets": {name: facet.to_dict() for name, facet in result.facets.items()}}


def test_strict_stops_at_the_first_error_and_keeps_the_live_index(archive, tmp_path):
    index_dir = tmp_path / "idx"
    assert run("index", str(archive), "--index", str(index_dir), "--workers", "1", "-q").exit_code == 0
    before = store.current_generation(index_dir)
    (archive / "zz-vide.txt").write_bytes(b"")
    result = CliRunner().invoke(cli, ["index", str(archive), "--index", str(index_dir), "--strict", "-q"])
    assert result.exit_code == 1 and "zz-vide.txt: empty file" in result.output
    assert store.current_generation(index_dir) == before and len(live_ids(index_dir)) == 5


def test_a_second_writer_fails_at_once_naming_the_holder(archive, tmp_path):
    index_dir = tmp_path / "idx"
    with store.write_lock(index_dir):
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["index", str(archive), "--index", str(index_dir), "-q"])
        assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert "is being written by pid" in result.output and str(os.getpid()) in result.output


def test_missing_index_is_a_clear_message(tmp_path):
    result = CliRunner().invoke(cli, ["stats", "--index", str(tmp_path / "nothing")])
    assert result.exit_code == 1 and "no index in" in result.output and "Traceback" not in result.output


def _interrupt_midway(tmp_path, sig, workers: int = 1) -> tuple[Path, Path, subprocess.Popen]:
    index_dir = tmp_path / "idx"
    assert run("index", str(SEEDS), "--index", str(index_dir), "--workers", "1", "-q").exit_code == 0
    before = store.current_generation(index_dir)
    big = tmp_path / "big.jsonl.gz"
    big.write_bytes(gzip.compress("".join(corpus_lines(3000)).encode()))
    # SIGINT as a terminal's Ctrl-C finds it: a suite started as a background job inherits it ignored.
    proc = spawn("index", str(big), "--index", str(index_dir), "--workers", str(workers), "--no-persons", "-q",
                 preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not list(index_dir.glob("gen-*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(index_dir.glob("gen-*.tmp")), "the rebuild never started writing"
    time.sleep(1.0)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    return index_dir, before, proc


def test_a_rebuild_killed_midway_leaves_the_old_index_answering(tmp_path):
    index_dir, before, proc = _interrupt_midway(tmp_path, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    assert store.current_generation(index_dir) == before
    assert live_ids(index_dir) == {p.stem for p in SEEDS.glob("*.txt")}
    # The next writer clears the abandoned half-built generation.
    assert run("index", str(SEEDS), "--index", str(index_dir), "--workers", "1", "-q").exit_code == 0
    assert not list(index_dir.glob("gen-*.tmp"))


def test_a_killed_indexer_takes_its_workers_with_it(tmp_path):
    """Orphaned workers would hold the write lock and refuse the next run until they finished."""
    index_dir, before, proc = _interrupt_midway(tmp_path, signal.SIGKILL, workers=2)
    time.sleep(1.0)
    assert not [p for p in psutil.process_iter(["ppid", "cmdline"])
                if p.info["ppid"] == 1 and str(index_dir) in " ".join(p.info["cmdline"] or [])]
    assert run("index", str(SEEDS), "--index", str(index_dir), "--workers", "2", "-q").exit_code == 0
    assert store.current_generation(index_dir) != before


def test_a_writer_process_killed_midway_fails_the_rebuild_and_keeps_the_old_index(tmp_path):
    """Whoosh's own multi-process writer committed without the part of a writer that died."""
    index_dir = tmp_path / "idx"
    assert run("index", str(SEEDS), "--index", str(index_dir), "--workers", "1", "-q").exit_code == 0
    before = store.current_generation(index_dir)
    big = tmp_path / "big.jsonl.gz"
    big.write_bytes(gzip.compress("".join(corpus_lines(3000)).encode()))
    proc = spawn("index", str(big), "--index", str(index_dir), "--workers", "2", "--no-persons", "-q")
    deadline = time.monotonic() + 120
    writers = []
    while not writers and proc.poll() is None and time.monotonic() < deadline:
        # Writers are forked once the new generation exists (the enrichment workers are gone by then).
        if list(index_dir.glob("gen-*.tmp")):
            writers = psutil.Process(proc.pid).children()
        time.sleep(0.02)
    assert writers, "no writer process was seen"
    writers[0].kill()
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, stderr
    assert "writer processes stopped" in stderr and "Traceback" not in stderr
    assert store.current_generation(index_dir) == before
    assert live_ids(index_dir) == {p.stem for p in SEEDS.glob("*.txt")}
    assert not list(index_dir.glob("gen-*.tmp"))


def test_ctrl_c_leaves_the_old_index_and_says_so(tmp_path):
    index_dir, before, proc = _interrupt_midway(tmp_path, signal.SIGINT)
    stderr = proc.stderr.read()
    assert proc.returncode == 130, stderr
    assert "previous index is unchanged" in stderr
    assert store.current_generation(index_dir) == before
    assert not list(index_dir.glob("gen-*.tmp"))


def test_stats_show_normalised_sources(corpus_index):
    stats = json.loads(run("stats", "--index", str(corpus_index), "--json").output)
    names = [s["value"] for s in stats["top_sources"]]
    assert len(names) == len({n.casefold() for n in names})
    assert "6Medias" in names and not {"6medias", "6MEDIAS", "6Médias"} & set(names)
    assert stats["articles"] == 2005
