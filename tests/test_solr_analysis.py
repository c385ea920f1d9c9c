"""Solr's French analysis equals search.analysis, term for term, on a real SolrCloud.

The configset (solr/configsets/manchette) reproduces search/analysis.py with
stock Lucene components; these tests compare Solr's /analysis/field output
with ``search.analysis.terms`` on tricky forms, the seed articles and a corpus
sample, for the stemmed (text_fr) and the folding (text_folded) chains.
"""
from __future__ import annotations

import importlib.util
import json
import sys
import unicodedata

import pytest

from conftest import PROJECT, SEEDS, corpus_lines
from search.analysis import WORD_RE, terms
from solrcloud import analyzed_terms, create_collection, delete_collection, run_cluster_script

FIELD_TYPES = ("text_fr", "text_folded")
CORPUS_SAMPLE = 150  # bench/solr_analysis.py compares 3,000
# Far from the start of the corpus: the first 2,000 articles are the other tests' index.
CORPUS_SAMPLE_START = 20000


def _load_generator():
    spec = importlib.util.spec_from_file_location("solr_configset", PROJECT / "solr" / "configset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def analysis_collection(solr_url):
    url = create_collection(solr_url, "test-analysis", shards=1)
    yield url
    delete_collection(solr_url, "test-analysis")


def _differences(collection: str, texts: list[str]) -> list[str]:
    """One line per text whose Solr terms differ from Python's, naming the chain."""
    found = []
    for text in texts:
        solr = analyzed_terms(collection, text, FIELD_TYPES)
        python = {"text_fr": terms(text, stem=True), "text_folded": terms(text, stem=False)}
        for field_type in FIELD_TYPES:
            if solr[field_type] != python[field_type]:
                pairs = [(s, p) for s, p in zip(solr[field_type], python[field_type]) if s != p][:5]
                found.append(f"{field_type} {text[:60]!r}: solr != python {pairs} "
                             f"({len(solr[field_type])} vs {len(python[field_type])} terms)")
    return found


def test_committed_configset_is_generated_from_search_analysis():
    assert _load_generator().stale_files() == []


def test_java_word_class_matches_python_word_characters():
    # The schema spells Python's \w as [\p{L}\p{N}_]; both must pick the same characters.
    mismatched = [hex(code) for code in range(sys.maxunicode + 1)
                  if (WORD_RE.fullmatch(chr(code)) is not None)
                  != (unicodedata.category(chr(code))[0] in "LN" or chr(code) == "_")]
    assert mismatched == []


TRICKY = [
    # every apostrophe variant, elisions, apostrophes inside words
    "l'État l’État l‘État lʼÉtat l`État l′État l＇État",
    "jusqu’à lorsqu’Emmanuel puisqu’il quoiqu’on d’abord qu’elle n’est s’il c’est m’a t’as j’ai",
    "aujourd’hui prud’homme presqu’île entr’ouvert",
    "L’ÉTAT D’URGENCE",
    # ligatures and case
    "œuvre Œuvres cœur Æsop ÆGIR æther ﬁnance ﬂeur",
    "SÉCURITÉ Sécurité sécurité securite",
    # hyphen, dash and space variants
    "Maison-Blanche Maison\u2011Blanche Maison\u2010Blanche Maison\u2013Blanche Maison—Blanche Maison\u2212Blanche",
    "Zelensky\u00a0a dit\u202f: «\u00a0oui\u00a0» ça\u2009va 10\u202f000 euros",
    # stop words, alone and elided
    "les ils elles cette cet où ça leurs à été êtes étaient",
    # numbers, ordinals, units, symbols
    "2025 21h05 1er 1ère 2e 2ᵉ 1ᵉʳ XIXᵉ siècle 3,5 % 12.000 1/2 ½ ² m²",
    "100 € 50$ n° 5 N° 12 20 °C -5°C 3° 10 km/h",
    # mixed scripts and transliteration
    "Zelensky/Зеленський Volodymyr Зеленский Путин Ελλάδα Αθήνα",
    "Dvořák Łódź Ørsted Straße Ğ İstanbul Ñandú São Paulo Košice Þór",
    # decomposed accents (combining marks are not word characters, as in Python)
    "se\u0301curite\u0301 E\u0301tat cafe\u0301",
    # underscores, URLs, e-mails, hashtags
    "mot_clé #JO2024 @Elysee https://www.example.fr/a-b_c?x=1 contact@ex.fr",
    # quotes, guillemets, ellipsis
    "«\u00a0C’est “fini”…\u00a0» dit-il, l’«\u00a0affaire\u00a0»",
]


def test_tricky_forms_analyse_alike(analysis_collection):
    assert _differences(analysis_collection, TRICKY) == []


def test_seed_articles_analyse_alike(analysis_collection):
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    assert len(texts) == 5
    assert _differences(analysis_collection, texts) == []


def test_corpus_sample_analyses_alike(analysis_collection):
    records = [json.loads(line) for line in corpus_lines(CORPUS_SAMPLE, CORPUS_SAMPLE_START)]
    texts = [f"{r.get('title') or ''}\n\n{r.get('text') or ''}" for r in records]
    assert _differences(analysis_collection, texts) == []


def test_cluster_start_again_reuses_the_running_cluster(solr_cluster, analysis_collection):
    if solr_cluster.folder is None:
        pytest.skip("MANCHETTE_TEST_SOLR: the cluster was not started by the tests")
    pids = [(solr_cluster.folder / f"{name}.pid").read_text() for name in ("zk", "node-1", "node-2")]
    out = run_cluster_script("start", "--dir", str(solr_cluster.folder))
    assert out == f"solr: {solr_cluster.url}\n"
    assert [(solr_cluster.folder / f"{name}.pid").read_text() for name in ("zk", "node-1", "node-2")] == pids
    status = run_cluster_script("status", "--dir", str(solr_cluster.folder))
    assert "live nodes: 2" in status and "test-analysis" in status
