# Two entry points: `make run` (index the sample archive, serve the page) and
# `make test` (set up, then run the test suite). Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= index
HOST ?= 127.0.0.1
PORT ?= 8000
# Local SolrCloud (solr/cluster.py): node 1 on SOLR_PORT, node 2 on SOLR_PORT+1, ZooKeeper on SOLR_PORT+1000.
SOLR_DIR ?= .solr
SOLR_PORT ?= 8983
SOLR_HEAP ?= 1g
# Debian packages the tests need, installed as root or through sudo.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_INSTALL = $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

.PHONY: run test setup setup-test browser solr solr-stop solr-build bench scale quality load screenshots clean

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

setup-test: $(VENV)/.installed-test browser solr-build

# Debian's Chromium for the browser tests; Playwright never downloads a browser here.
browser:
	@command -v chromium >/dev/null 2>&1 || { $(APT_INSTALL) chromium fonts-dejavu-core; }

# The SolrCloud launcher (solr/, Maven): Solr's jars come from Maven Central on the first build.
solr-build:
	@command -v mvn >/dev/null 2>&1 || { $(APT_INSTALL) maven openjdk-17-jdk-headless; }
	@$(PYTHON) solr/cluster.py build

# Starts (or reuses) ZooKeeper and two Solr nodes in the background; prints "solr: URL".
solr: solr-build
	@$(PYTHON) solr/cluster.py start --dir $(SOLR_DIR) --port $(SOLR_PORT) --heap $(SOLR_HEAP)

solr-stop:
	@$(PYTHON) solr/cluster.py stop --dir $(SOLR_DIR)

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
GROWN := bench/out/grown.jsonl.gz

$(GROWN):
	$(PYTHON) bench/grow_corpus.py --count 1000000 --out $@

scale: $(VENV)/.installed-bench $(GROWN)
	$(BIN)/python bench/scale_bench.py --archive $(GROWN) --sizes $(SIZES) --index $(SCALE_INDEX) --plot docs/scale.svg

quality: setup
	$(BIN)/python bench/html_quality.py
	$(BIN)/python bench/persons_quality.py
	$(BIN)/python bench/topics_quality.py
	$(BIN)/python bench/titles_quality.py

load: setup
	@command -v wrk >/dev/null 2>&1 || apt-get install -y -qq wrk || true
	$(BIN)/python bench/load_test.py

screenshots: setup-test
	$(BIN)/python bench/screenshots.py

clean:
	rm -rf $(VENV) build *.egg-info
