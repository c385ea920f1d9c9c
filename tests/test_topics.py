"""Topics: taxonomy, source-category mapping, classifier, quality scripts (real data)."""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest

from indexer.enrich.topics import (GENERIC, MAX_TOPICS, MODEL_PATH, TopicAssigner, section_topic,
                                   source_table, tag_topics)
from indexer.readers import text as text_reader
from search.document import Article
from search.topics import topic_label, topic_labels

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from conftest import CORPUS, SEEDS  # noqa: E402


@pytest.fixture(scope="module")
def assigner():
    return TopicAssigner()


@pytest.fixture(scope="module")
def seeds():
    return {p.name[:3]: next(text_reader.read(p, p.name)) for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    """The first 3,000 corpus records: enough to train and to score, quickly."""
    path = tmp_path_factory.mktemp("corpus") / "sample.jsonl.gz"
    with gzip.open(CORPUS, "rt", encoding="utf-8") as src, gzip.open(path, "wt", encoding="utf-8") as dst:
        for _, line in zip(range(3000), src):
            dst.write(line)
    return path


def test_taxonomy_has_accented_labels():
    labels = topic_labels()
    assert 15 <= len(labels) <= 25
    assert labels["economie"] == "Économie" and topic_label("faits-divers") == "Faits divers"
    assert {"politique", "international", "sante", "culture", "sport", "automobile"} <= set(labels)


def test_source_mapping_names_only_taxonomy_topics():
    topics = set(source_table().values())
    assert topics - {GENERIC} <= set(topic_labels())


@pytest.mark.parametrize("section, url, expected", [
    ("societe/fait-divers", None, "faits-divers"),
    ("societe/people", None, "people"),
    ("monde", None, "international"),
    ("politique", None, "politique"),
    ("france", None, GENERIC),
    ("news", "https://auto.orange.fr/news/x.html", "automobile"),   # the site outranks a generic section
    (None, None, None),
])
def test_section_topic(section, url, expected):
    assert section_topic(Article(id="x", title="", body="", section=section, url=url)) == expected


def test_tags_and_hashtags_map_to_topics():
    article = Article(id="x", title="", body="", tags=["#Politique", "enquête", "inconnu", "Santé"])
    assert tag_topics(article) == ["politique", "faits-divers", "sante"]


def test_section_comes_first(assigner):
    article = Article(id="x", title="Un match", body="Le club a gagné la finale du championnat.",
                      section="societe/sante", tags=["justice"])
    topics = assigner.assign(article)
    assert topics[:2] == ["sante", "justice"]


def test_seed_topics(assigner, seeds):
    for name, article in seeds.items():
        topics = assigner.assign(article)
        assert 1 <= len(topics) <= MAX_TOPICS and len(set(topics)) == len(topics)
        assert set(topics) <= set(topic_labels()), name
    assert assigner.assign(seeds["000"])[0] == "politique"       # its #Politique hashtag
    for name in ("001", "002", "003", "004"):                   # NATO, Ukraine, Russia: no category given
        assert assigner.assign(seeds[name])[0] in {"international", "defense"}, name


def test_classifier_alone_on_clear_cases(assigner):
    cases = {
        "automobile": ("Renault dévoile la nouvelle Clio hybride",
                       "La citadine reçoit un moteur essence de 140 chevaux et une boîte automatique."),
        "sante": ("Coronavirus : les hôpitaux sous tension",
                  "Les services de réanimation accueillent de plus en plus de patients atteints du Covid-19."),
        "politique": ("Le Sénat adopte le projet de loi",
                      "Les sénateurs LR et socialistes ont voté le texte du gouvernement en première lecture."),
    }
    for expected, (title, body) in cases.items():
        assert assigner.assign(Article(id="x", title=title, body=body))[0] == expected


def test_a_batch_is_scored_as_each_article_alone(assigner, small_corpus):
    """The enrichment workers score 64 articles at once; a textless article's row is empty."""
    from indexer.readers import jsonl
    articles = [a for _, a in zip(range(200), jsonl.read(small_corpus, str(small_corpus)))]
    articles.insert(7, Article(id="vide", title="", body=""))
    together = assigner.assign_all(articles)
    assert together == [assigner.assign(article) for article in articles]
    assert len({topics[0] for topics in together}) > 5


def test_model_is_small_and_assigner_pickles(assigner):
    import pickle
    assert MODEL_PATH.stat().st_size < 5_000_000
    clone = pickle.loads(pickle.dumps(assigner))
    assert clone._classifier is None
    article = Article(id="x", title="Élection présidentielle", body="Le candidat a présenté son programme.")
    assert clone.assign(article) == assigner.assign(article)


def test_training_script_retrains(small_corpus, tmp_path):
    import train_topics
    model = tmp_path / "model.npz"
    lines = []
    classifier = train_topics.main(["--corpus", str(small_corpus), "--out", str(model)], out=lines.append)
    assert model.exists() and "trained on" in lines[0]
    assert set(classifier.topics) <= set(topic_labels())
    assert TopicAssigner(model).assign(Article(id="x", title="Un titre", body="Un texte."))


def test_quality_script_reports_accuracy(small_corpus):
    import topics_quality
    lines = []
    accuracy = topics_quality.main(["--corpus", str(small_corpus)], out=lines.append)
    report = "\n".join(lines)
    assert "all source categories hidden" in report and "confusion" in report
    assert accuracy >= 0.75
