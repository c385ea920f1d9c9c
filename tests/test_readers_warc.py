"""Web archives: a WARC built from real saved pages reads like the pages, skips the rest, survives damage."""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from click.testing import CliRunner

from conftest import sample_pages
from indexer.readers import read_paths, warc
from indexer.readers.base import Problem
from manchette_cli import cli
from search.document import Article
from search.engine import open_engine
from search.request import SearchRequest
from search.whoosh.store import WhooshStore

PAGES = 20

DATELESS_CP1252 = (
    '<html lang="fr"><head><title>Le cœur du village</title></head><body><article>'
    "<p>Noël approche et le cœur du village bat de nouveau : l’œuvre restaurée retrouve l’église.</p>"
    "<p>Les habitants, réunis sur la place, ont salué le travail des artisans pendant deux longues années.</p>"
    "<p>Le maire a promis une fête à l’été prochain pour célébrer la fin du chantier de l’édifice.</p>"
    "</article></body></html>").encode("cp1252")


class Archive:
    """A WARC being written: one call per capture."""

    def __init__(self, stream):
        self.writer = WARCWriter(stream, gzip=True)
        self.writer.write_record(self.writer.create_warcinfo_record("test.warc.gz", {"software": "pytest"}))

    def capture(self, url: str, payload: bytes, status: str = "200 OK", content_type: str = "text/html",
                headers: tuple = (), date: str = "2020-07-03T13:12:50Z") -> None:
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example")], is_http_request=True)
        self.writer.write_record(self.writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), http_headers=request))
        http = StatusAndHeaders(status, [("Content-Type", content_type), *headers], protocol="HTTP/1.1")
        self.writer.write_record(self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(payload), http_headers=http, warc_headers_dict={"WARC-Date": date}))


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict[str, tuple[bytes, Article]]:
    """url -> (page bytes, the article read from the saved page) for the first pages of the sample."""
    pages = sample_pages(tmp_path_factory.mktemp("pages"), PAGES)
    return {a.url: (Path(a.origin).read_bytes(), a) for a in read_paths(pages)}


@pytest.fixture(scope="module")
def archive(tmp_path_factory, saved) -> Path:
    path = tmp_path_factory.mktemp("warc") / "crawl.warc.gz"
    with path.open("wb") as stream:
        warc_file = Archive(stream)
        for url, (data, _) in saved.items():
            warc_file.capture(url, data, content_type="text/html; charset=utf-8")
        warc_file.capture("http://actu.orange.fr/", b"", status="301 Moved Permanently",
                          headers=[("Location", "https://actu.orange.fr/")])
        warc_file.capture("https://actu.orange.fr/logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
        warc_file.capture("https://actu.orange.fr/disparu.html", b"<html><body>Introuvable</body></html>",
                          status="404 Not Found")
    return path


@pytest.fixture(scope="module")
def items(archive) -> list:
    return list(read_paths([archive]))


def test_archived_pages_read_like_the_saved_pages(items, saved, archive):
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) == PAGES
    for article in articles:
        _, page = saved[article.url]
        assert (article.title, article.published, article.body, article.source) == (
            page.title, page.published, page.body, page.source)
        assert article.origin == str(archive.resolve())
        assert re.fullmatch(r"[A-Za-z0-9._/-]+", article.id) and article.id.startswith(("actu.", "auto."))


def test_redirects_errors_and_other_files_are_counted_as_skipped(items):
    skipped = [i for i in items if isinstance(i, Problem)]
    assert all(p.skipped for p in skipped)
    reasons = sorted(p.reason for p in skipped)
    assert len(reasons) == 3
    assert reasons[0] == "HTTP 404"
    assert reasons[1] == "not an HTML page (image/png)"
    assert reasons[2].startswith("redirect (HTTP 301)")


def test_ids_are_safe_and_stable_without_the_scheme():
    assert warc.record_id("https://www.Exemple.fr/actu/Un%20%C3%A9t%C3%A9/?page=2") == "www.exemple.fr/actu/Un__t__page_2"
    assert warc.record_id("http://www.exemple.fr/actu/a.html") == warc.record_id("https://www.exemple.fr/actu/a.html")


def test_http_charset_and_capture_date_fill_what_the_page_lacks(tmp_path):
    path = tmp_path / "village.warc"
    with path.open("wb") as stream:
        Archive(stream).capture("https://journal.example/village", DATELESS_CP1252,
                                content_type="text/html; charset=windows-1252", date="2019-05-01T10:00:00Z")
    (article,) = warc.read(path, path.name)
    assert "le cœur du village" in article.body and "l’œuvre" in article.body
    assert article.published == datetime(2019, 5, 1, 10, 0, tzinfo=timezone.utc)
    assert article.id == "journal.example/village" and article.url == "https://journal.example/village"


@pytest.mark.parametrize("drop, fewer", [(10, False), (15_000, True), (140_000, True)])
def test_a_truncated_archive_gives_the_earlier_articles_and_one_problem(tmp_path, archive, items, drop, fewer):
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(archive.read_bytes()[:-drop])
    *earlier, damage = warc.read(cut, cut.name)
    assert isinstance(damage, Problem) and not damage.skipped
    assert damage.location.startswith(f"{cut} @") and "truncated" in damage.reason
    read_before = [i.id for i in earlier if isinstance(i, Article)]
    assert read_before and read_before == [i.id for i in items if isinstance(i, Article)][:len(read_before)]
    assert (len(read_before) < PAGES) == fewer


def test_a_file_that_is_no_archive_is_one_problem(tmp_path):
    path = tmp_path / "notes.warc"
    path.write_text("Ceci n'est pas une archive web.\n" * 20)
    (problem,) = warc.read(path, path.name)
    assert isinstance(problem, Problem) and not problem.skipped and "not a WARC record" in problem.reason



def test_a_page_captured_again_is_indexed_from_its_latest_capture(tmp_path, saved):
    """Re-crawls keep every capture: the newest is indexed, the older ones are skipped, not failed."""
    url, data, title = next((url, data, page.title) for url, (data, page) in saved.items()
                             if '"' not in page.title and url.startswith("https://actu."))
    revised = data.replace(title.encode(), "Titre revu après correction".encode())
    crawls = tmp_path / "crawls"
    crawls.mkdir()
    for name, captures in {"2019.warc.gz": [("2019-01-01T00:00:00Z", data)],
                           "2020.warc.gz": [("2020-06-01T00:00:00Z", revised),
                                            ("2020-01-01T00:00:00Z", data)]}.items():
        with (crawls / name).open("wb") as stream:
            archive = Archive(stream)
            for date, payload in captures:
                archive.capture(url, payload, date=date)
    index_dir = tmp_path / "idx"
    result = CliRunner().invoke(cli, ["index", str(crawls), "--index", str(index_dir), "--no-persons", "-q"])
    assert result.exit_code == 0, result.output
    assert "indexed 1" in result.output and "skipped 2, failed 0" in result.output
    assert result.output.count("is older than the one in") == 2
    (hit,) = open_engine(index_dir).search(SearchRequest(query="")).hits
    assert hit.title == "Titre revu après correction" and hit.url == url


def test_a_page_captured_again_after_enrichment_began_is_enriched_from_its_latest_capture(tmp_path):
    """Articles are enriched while the crawl is still being read, a batch at a time: a later capture that
    replaces a page already sent to the workers gets its own language and fingerprint. Here it carries the
    text of another page of the crawl, so the two are grouped as copies."""
    pages = {a.url: (Path(a.origin).read_bytes(), a) for a in read_paths(sample_pages(tmp_path / "pages", 80))}
    urls = list(pages)                                  # 80 pages: past the first batch of 64
    source = next(url for url in reversed(urls) if len(pages[url][1].body.split()) > 100)
    crawl = tmp_path / "crawl.warc.gz"
    with crawl.open("wb") as stream:
        archive = Archive(stream)
        for url in urls:
            archive.capture(url, pages[url][0], date="2019-01-01T00:00:00Z")
        archive.capture(urls[0], pages[source][0], date="2020-01-01T00:00:00Z")
    entries = {}
    for workers in ("1", "2"):
        index_dir = tmp_path / f"idx-{workers}"
        result = CliRunner().invoke(cli, ["index", str(crawl), "--index", str(index_dir), "--no-persons",
                                          "--workers", workers, "-q"])
        assert result.exit_code == 0, result.output
        assert f"indexed {len(urls)}" in result.output and "skipped 1, failed 0" in result.output
        entries[workers] = WhooshStore(index_dir).entries()
    recaptured, copied = entries["2"][warc.record_id(urls[0])], entries["2"][warc.record_id(source)]
    assert recaptured.group and recaptured.group == copied.group
    assert entries["2"] == entries["1"]
