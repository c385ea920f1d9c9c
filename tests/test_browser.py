"""A real browser (Debian's headless Chromium, driven by Playwright) against the app served by waitress."""
from __future__ import annotations

import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from waitress import create_server  # noqa: E402

from web import create_app  # noqa: E402


def served(index_dir: Path):
    """The app on ``index_dir``, served by waitress in a thread: yields its base URL."""
    server = create_server(create_app({"INDEX": index_dir}), host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture(scope="module")
def base_url(corpus_index):
    yield from served(corpus_index)


@pytest.fixture(scope="module")
def untitled_url(untitled_index):
    yield from served(untitled_index)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def browsing(browser, base_url: str):
    """A fresh page on ``base_url``; fails the test if a script error happened on it."""
    context = browser.new_context(base_url=base_url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture
def page(browser, base_url):
    yield from browsing(browser, base_url)


@pytest.fixture
def untitled_page(browser, untitled_url):
    yield from browsing(browser, untitled_url)


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def run_query(page, words: str) -> None:
    page.goto("/")
    page.get_by_label("Rechercher dans les archives").fill(words)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))


def test_type_a_query(page):
    run_query(page, "gouvernement")
    assert query_of(page)["q"] == ["gouvernement"]
    expect(page.locator("h1.summary")).to_contain_text("résultats pour « gouvernement »")
    expect(page.locator(".hit")).to_have_count(10)
    expect(page.locator(".hit .snippet mark").first).to_be_visible()


def test_tick_a_facet_value_then_remove_its_chip(page):
    run_query(page, "police")
    box = page.locator("#facet-source input[type=checkbox]").first
    source = box.get_attribute("value")
    with page.expect_navigation():
        box.check()  # the script submits the form at once
    assert query_of(page)["source"] == [source]
    expect(page.locator("#facet-source input[type=checkbox]:checked")).to_have_count(1)
    sources = page.locator(".hit .byline .source").all_inner_texts()
    assert sources and {s.casefold() for s in sources} == {source.casefold()}
    chip = page.locator(".chip", has_text=source)
    expect(chip).to_be_visible()
    chip.click()
    page.wait_for_url(lambda url: "source=" not in url)
    expect(page.locator(".chip")).to_have_count(0)
    assert query_of(page)["q"] == ["police"]


def test_click_a_histogram_bar(page):
    run_query(page, "police")
    bar = page.locator("svg.histogram a.bar").first
    period = bar.get_attribute("data-period")
    bar.click()
    page.wait_for_url(re.compile("from="))
    assert query_of(page)["from"] == [period] and query_of(page)["to"] == [period]
    expect(page.locator(".chip", has_text="dates")).to_be_visible()
    expect(page.locator("#from")).to_have_value(period)


def test_page_forward(page):
    run_query(page, "france")
    first_titles = page.locator(".hit-title").all_inner_texts()
    page.get_by_role("link", name="Suivante").click()
    page.wait_for_url(re.compile("page=2"))
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("2")
    assert set(page.locator(".hit-title").all_inner_texts()).isdisjoint(first_titles)


def test_open_an_article(page):
    run_query(page, "gouvernement")
    link = page.locator(".hit-title a").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/articles/.+\?q=gouvernement"))
    expect(page.locator("h1#article-title")).to_have_text(title)
    expect(page.locator(".article mark").first).to_be_visible()
    expect(page.locator("aside.article-side")).to_be_visible()
    expect(page.get_by_role("link", name="Cette page en JSON")).to_be_visible()


def test_open_an_untitled_article(untitled_page):
    page = untitled_page
    run_query(page, "Delevoye")
    link = page.locator(".hit-title a", has_text="Déclaration d'intérêts Delevoye entendu mercredi")
    expect(link.locator(".derived-title")).to_be_visible()
    link.click()
    page.wait_for_url(re.compile(r"/articles/sans-titre/adresse\?q=Delevoye"))
    expect(page.locator("h1#article-title .derived-title")).to_have_text(
        "Déclaration d'intérêts Delevoye entendu mercredi en audition libre")
    expect(page).to_have_title(re.compile("^Déclaration d'intérêts Delevoye"))


def test_reader_comments_unfold(page):
    page.goto("/articles/001_e9895f9757e1857e?q=otan")
    comments = page.locator("details.comments")
    expect(comments.locator(".comments-body")).to_be_hidden()
    comments.locator("summary").click()
    expect(comments.locator(".comments-body p").first).to_be_visible()


def test_autocomplete_fills_the_datalist(page):
    run_query(page, "")
    box = page.locator("#ac-person")
    options = page.locator("#dl-person option")
    with page.expect_response(re.compile(r"/api/facets/person\?")):
        box.press_sequentially("ma", delay=30)
    expect(options.first).to_be_attached()
    expect(page.locator("#dl-person option:not([value*='ma' i])")).to_have_count(0)
    chosen = options.first.get_attribute("value")
    box.fill(chosen)
    box.press("Enter")
    page.wait_for_url(re.compile("person="))
    assert chosen in query_of(page)["person"]


def test_filters_work_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/search?q=police")
    page.locator("#facet-lang input[type=checkbox]").first.check()
    page.locator("#sort").select_option("newest")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url(re.compile("lang="))
    assert query_of(page)["sort"] == ["newest"] and query_of(page)["q"] == ["police"]
    context.close()


def test_keyboard_focus_is_visible(page):
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


def test_keyboard_to_a_trend_point_then_its_results(page):
    page.goto("/trends?q=police&q=retraites&interval=month")
    expect(page.locator("svg.trend-chart")).to_be_visible()
    page.get_by_role("link", name="CSV").focus()
    page.keyboard.press("Tab")
    point = page.locator("a.trend-point").first
    expect(point).to_be_focused()
    expect(point.locator(".readout")).to_be_visible()
    assert page.locator("a.trend-point .readout:visible").count() == 1
    start, end, count = (point.get_attribute(f"data-{name}") for name in ("from", "to", "count"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    assert query_of(page) == {"q": ["police"], "from": [start], "to": [end]}
    expect(page.locator("h1.summary")).to_contain_text(f"{count} résultat")


def test_click_a_trend_point_keeps_the_filters(page):
    page.goto("/trends?q=police&interval=year&lang=fr&measure=share")
    point = page.locator("a.trend-point").last
    start, end = point.get_attribute("data-from"), point.get_attribute("data-to")
    count = int(point.get_attribute("data-count"))
    point.locator("circle").click()
    page.wait_for_url(re.compile(r"/search\?"))
    assert query_of(page) == {"lang": ["fr"], "q": ["police"], "from": [start], "to": [end]}
    shown = int(re.sub(r"\D", "", page.locator("h1.summary").inner_text().split("résultat")[0]))
    assert shown == count
