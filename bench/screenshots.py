"""Screenshots of the home, result, article and trends pages in docs/screenshots/.

    python bench/screenshots.py [--index DIR] [--query gouvernement]

Without --index, uses bench/out/index when it exists, else indexes the seeds
plus the first 1,000 corpus records into a temporary folder. Pages are served
by waitress in a thread and shot with Debian's Chromium through Playwright.
"""
from __future__ import annotations

import argparse
import gzip
import itertools
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from waitress import create_server  # noqa: E402

from indexer import pipeline  # noqa: E402
from search.store import open_store  # noqa: E402
from search.whoosh.store import current_generation  # noqa: E402
from web import create_app  # noqa: E402

SHARED = ROOT.parent / "shared"
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SAMPLE = 1000
TRENDS = 'q="gilets jaunes"&q=retraites&q=confinement&from=2018-07'
FOCUSED_POINT = 21


def sample_index(folder: Path) -> Path:
    records = folder / "sample.jsonl"
    with gzip.open(SHARED / "corpus" / "fr-news.jsonl.gz", "rt", encoding="utf-8", newline="\n") as corpus:
        records.write_text("".join(itertools.islice(corpus, SAMPLE)), encoding="utf-8")
    index_dir = folder / "index"
    pipeline.build([SHARED / "seeds", records], open_store(index_dir), pipeline.Options(workers=2))
    return index_dir


def shoot(base: str, query: str) -> list[Path]:
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1, locale="fr-FR")

        def save(name: str, full_page: bool = True) -> None:
            path = OUT / f"{name}.png"
            page.screenshot(path=str(path), full_page=full_page)
            shots.append(path)

        page.goto(f"{base}/")
        save("home")
        page.set_viewport_size({"width": 1280, "height": 1500})
        page.goto(f"{base}/search?q={query}")
        source = page.locator("#facet-source input[type=checkbox]").nth(1)
        with page.expect_navigation():
            source.check()
        save("search", full_page=False)
        page.locator(".hit-title a").first.click()
        page.wait_for_load_state()
        page.set_viewport_size({"width": 1280, "height": 900})
        save("article")
        page.goto(f"{base}/trends?{TRENDS}")
        page.get_by_role("link", name="CSV").focus()
        for _ in range(FOCUSED_POINT):      # the readout of a point reached with the keyboard
            page.keyboard.press("Tab")
        page.evaluate("document.querySelector('#trends-title').scrollIntoView()")
        save("trends", full_page=False)
        browser.close()
    return shots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--query", default="gouvernement")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = args.index or ROOT / "bench" / "out" / "index"
        if current_generation(index_dir) is None:
            print(f"no index in {index_dir}: indexing the seeds and {SAMPLE} corpus records…")
            index_dir = sample_index(Path(scratch))
        server = create_server(create_app({"INDEX": index_dir}), host="127.0.0.1", port=0)
        threading.Thread(target=server.run, daemon=True).start()
        try:
            for path in shoot(f"http://127.0.0.1:{server.effective_port}", args.query):
                print(path.relative_to(ROOT))
        finally:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
