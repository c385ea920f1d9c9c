# Two entry points: `make run` (index the sample archive, serve the page) and
# `make test` (set up, then run the test suite). Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= index
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup setup-test browser bench scale quality load screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test browser

# Debian's Chromium for the browser tests; Playwright never downloads a browser here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; fi; }

run: setup
	$(BIN)/manchette index samples --index $(INDEX)
	$(BIN)/manchette search "sécurité OTAN" --index $(INDEX)
	$(BIN)/manchette serve --index $(INDEX) --host $(HOST) --port $(PORT)

test: setup-test
	$(BIN)/python -m pytest -q

# Whole-corpus runs (../shared/corpus); they print figures, they assert nothing.
bench: setup
	$(BIN)/python bench/index_bench.py
	$(BIN)/python bench/search_bench.py

# Scale: the corpus grown to 1M articles (once), indexed at each size beside SQLite FTS5.
# SCALE_INDEX=solr+http://HOST:PORT/solr/NAME measures SolrCloud instead of Whoosh.
SIZES ?= 34178,300000,1000000
SCALE_INDEX ?= bench/out/scale
GROWN := bench/out/grown-1000000.jsonl.gz

$(GROWN):
	$(PYTHON) bench/grow_corpus.py --count 1000000 --out $@

scale: $(VENV)/.installed-bench $(GROWN)
	$(BIN)/python bench/scale_bench.py --archive $(GROWN) --sizes $(SIZES) --index $(SCALE_INDEX) --plot docs/scale.svg

quality: setup
	$(BIN)/python bench/html_quality.py
	$(BIN)/python bench/persons_quality.py
	$(BIN)/python bench/topics_quality.py

load: setup
	@command -v wrk >/dev/null 2>&1 || apt-get install -y -qq wrk || true
	$(BIN)/python bench/load_test.py

screenshots: setup-test
	$(BIN)/python bench/screenshots.py

clean:
	rm -rf $(VENV) build *.egg-info
