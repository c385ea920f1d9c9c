"""Topics of an article: one to three keys of the taxonomy (``search/data/topics.tsv``), main first.

The source's own categories come first: its section, the site it comes
from, its tags and #hashtags, mapped onto the taxonomy by the editable table
``indexer/data/topic_sources.tsv``. A generic section (``france``, ``news``)
or no category at all leaves the choice to a softmax-regression classifier
over the article's folded, stemmed terms, trained on the corpus's own
sections and on the tags of its generic-section articles
(``bench/train_topics.py`` retrains it into ``indexer/data/topics_model.npz``).
"""
from __future__ import annotations

import itertools
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from search.analysis import fold, terms
from search.datafiles import data_lines
from search.document import Article
from search.topics import topic_labels

MAX_TOPICS = 3
GENERIC = "-"
# A topic the classifier ranks second (or third) is added when its posterior
# is at least this.
SECONDARY_POSTERIOR = 0.25
TITLE_WEIGHT = 2   # a title term counts as much as this many body occurrences


def _data_path(name: str) -> Path:
    return Path(str(resources.files("indexer").joinpath("data", name)))


MODEL_PATH = _data_path("topics_model.npz")


@lru_cache(maxsize=1)
def source_table() -> dict[tuple[str, str], str]:
    """``(kind, folded value)`` -> topic key, or ``-`` for a generic section."""
    known = topic_labels()
    table = {}
    for line in data_lines("indexer", "data/topic_sources.tsv"):
        kind, value, topic = (part.strip() for part in line.split("\t"))
        if topic != GENERIC and topic not in known:
            raise ValueError(f"topic_sources.tsv: unknown topic {topic!r} in row {line!r}")
        table[kind, value.lower() if kind == "host" else fold(value)] = topic
    return table


def section_topic(article: Article) -> str | None:
    """The topic the article's section or site stands for: a key, ``-`` (generic) or None (unknown).

    A specific section wins, then a site devoted to one topic, then a generic section.
    """
    table = source_table()
    found = [table.get(("section", fold(part))) for part in _section_parts(article)]
    host = (urlsplit(article.url).hostname or "") if article.url else ""
    found.append(table.get(("host", host.removeprefix("www."))))
    known = [t for t in found if t is not None]
    return next((t for t in known if t != GENERIC), GENERIC if known else None)


def _section_parts(article: Article) -> list[str]:
    """``societe/fait-divers``: the whole path, then its last part, then its first."""
    parts = []
    for section in (article.section, article.extra.get("section"), article.extra.get("article_section")):
        if isinstance(section, str) and section.strip("/ "):
            path = [p for p in section.strip("/ ").split("/") if p]
            parts += ["/".join(path), path[-1], path[0]]
    return list(dict.fromkeys(parts))


def tag_topics(article: Article) -> list[str]:
    """Topics of the article's tags and #hashtags, in tag order, deduplicated."""
    table = source_table()
    extra_tags = article.extra.get("tags")
    tags = [*article.tags, *(extra_tags if isinstance(extra_tags, list) else [])]
    found = (table.get(("tag", fold(t.lstrip("#")))) for t in tags if isinstance(t, str))
    return list(dict.fromkeys(t for t in found if t and t != GENERIC))


def features(title: str, body: str) -> dict[str, float]:
    """Term -> weight: the classifier's view of an article.

    Presence, not frequency (one long digression must not decide), with the
    title's terms weighing more.
    """
    weights = dict.fromkeys(terms(body), 1.0)
    for term in set(terms(title)):
        weights[term] = weights.get(term, 0.0) + TITLE_WEIGHT
    return weights


class TopicClassifier:
    """Softmax regression over L2-normalised :func:`features`; a small ``.npz`` file."""

    def __init__(self, topics: list[str], vocabulary: list[str], weights: np.ndarray, bias: np.ndarray):
        self.topics = topics
        self.vocabulary = {term: i for i, term in enumerate(vocabulary)}
        self.weights = weights.astype(np.float32)   # terms x topics
        self.bias = bias.astype(np.float32)

    def posteriors(self, texts: list[tuple[str, str]]) -> list[dict[str, float]]:
        """Topic -> probability, best first, of each (title, body); scored together, as NumPy's calls cost
        as much as a batch's arithmetic."""
        probs = _softmax(_scores(self.weights, self.bias, _rows([self._vector(features(*text)) for text in texts])))
        return [{self.topics[i]: float(row[i]) for i in order} for row, order in zip(probs, np.argsort(-probs))]

    def _vector(self, feats: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        # The terms looked up in C (-1: not in the vocabulary); a Python loop over them was a third of the time.
        found = np.fromiter(map(self.vocabulary.get, feats, itertools.repeat(-1)), dtype=np.int64, count=len(feats))
        known = found >= 0
        idx = found[known]
        val = np.fromiter(feats.values(), dtype=np.float32, count=len(feats))[known]
        norm = float(np.sqrt((val ** 2).sum()))
        return idx, val / norm if norm else val

    @classmethod
    def fit(cls, examples: list[tuple[dict[str, float], dict[str, float]]], min_df: int = 3,
            epochs: int = 3, l2: float = 1e-5, seed: int = 0) -> TopicClassifier:
        """Train on ``(features, target)`` pairs, a target being topic -> share (summing to 1).

        Mini-batch Adam on the cross-entropy; a few epochs are enough (more
        overfit the held-back sample). Terms in fewer than ``min_df``
        examples are left out.
        """
        df: dict[str, int] = {}
        for feats, _ in examples:
            for term in feats:
                df[term] = df.get(term, 0) + 1
        vocabulary = sorted(t for t, n in df.items() if n >= min_df)
        topics = [t for t in topic_labels() if any(t in target for _, target in examples)]
        model = cls(topics, vocabulary, np.zeros((len(vocabulary), len(topics))), np.zeros(len(topics)))
        order = np.random.default_rng(seed).permutation(len(examples))
        rows = _rows([model._vector(examples[k][0]) for k in order])
        targets = np.zeros((len(examples), len(topics)), dtype=np.float32)
        for r, k in enumerate(order):
            for topic, share in examples[k][1].items():
                targets[r, topics.index(topic)] = share
        _adam(model, rows, targets, epochs, l2)
        return model

    def save(self, path: Path) -> None:
        vocabulary = sorted(self.vocabulary, key=self.vocabulary.get)
        np.savez_compressed(path, topics=np.array(self.topics), vocabulary=np.array(vocabulary),
                            weights=self.weights.astype(np.float16), bias=self.bias)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> TopicClassifier:
        with np.load(path) as data:
            return cls(data["topics"].tolist(), data["vocabulary"].tolist(), data["weights"], data["bias"])


# Sparse rows as three arrays (CSR without SciPy): term indices, values, row starts.
Rows = tuple[np.ndarray, np.ndarray, np.ndarray]


def _rows(vectors: list[tuple[np.ndarray, np.ndarray]]) -> Rows:
    starts = np.zeros(len(vectors) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(i) for i, _ in vectors])
    idx = np.concatenate([i for i, _ in vectors]) if vectors else np.zeros(0, np.int64)
    val = np.concatenate([v for _, v in vectors]) if vectors else np.zeros(0, np.float32)
    return idx, val, starts


def _slice(rows: Rows, lo: int, hi: int) -> Rows:
    idx, val, starts = rows
    a, z = starts[lo], starts[hi]
    return idx[a:z], val[a:z], starts[lo:hi + 1] - a


def _scores(weights: np.ndarray, bias: np.ndarray, rows: Rows) -> np.ndarray:
    idx, val, starts = rows
    out = np.zeros((len(starts) - 1, weights.shape[1]), dtype=np.float32)
    # A row's terms are contiguous: summed by segments (reduceat), ten times faster than np.add.at. A
    # segment runs to the next non-empty row's start, so empty rows are left out of the cuts.
    filled = np.flatnonzero(np.diff(starts))
    if len(filled):
        out[filled] = np.add.reduceat(weights[idx] * val[:, None], starts[filled], axis=0)
    return out + bias


def _softmax(scores: np.ndarray) -> np.ndarray:
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _adam(model: TopicClassifier, rows: Rows, targets: np.ndarray, epochs: int, l2: float,
          batch: int = 256, rate: float = 0.05) -> None:
    params = [model.weights, model.bias]
    moments = [np.zeros_like(p) for p in params]
    squares = [np.zeros_like(p) for p in params]
    step = 0
    for _ in range(epochs):
        for lo in range(0, len(targets), batch):
            hi = min(len(targets), lo + batch)
            part = _slice(rows, lo, hi)
            error = (_softmax(_scores(model.weights, model.bias, part)) - targets[lo:hi]) / (hi - lo)
            idx, val, starts = part
            grad_w = l2 * model.weights
            np.add.at(grad_w, idx, val[:, None] * error[np.repeat(np.arange(hi - lo), np.diff(starts))])
            step += 1
            for p, g, m, v in zip(params, (grad_w, error.sum(axis=0)), moments, squares):
                m *= 0.9
                m += 0.1 * g
                v *= 0.999
                v += 0.001 * g * g
                p -= rate * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)


class TopicAssigner:
    """Assigns topics; picklable (the model loads lazily in each process)."""

    def __init__(self, model_path: Path | None = None):
        self.model_path = Path(model_path) if model_path is not None else MODEL_PATH
        self._classifier: TopicClassifier | None = None

    def __getstate__(self):
        return {"model_path": self.model_path}

    def __setstate__(self, state):
        self.__init__(**state)

    @property
    def classifier(self) -> TopicClassifier:
        if self._classifier is None:
            self._classifier = TopicClassifier.load(self.model_path)
        return self._classifier

    def assign(self, article: Article) -> list[str]:
        return self.assign_all([article])[0]

    def assign_all(self, articles: list[Article]) -> list[list[str]]:
        """Each article's one to three topic keys, main topic first.

        The main topic is the section's when it has a specific one; otherwise
        the classifier's favourite among the tags' topics, or among all topics
        when no tag maps. Tag topics follow, then any topic the classifier
        finds likely (posterior >= SECONDARY_POSTERIOR), up to three.
        """
        rankings = self.classifier.posteriors([(article.title, article.body) for article in articles])
        return list(map(_chosen, articles, rankings))


def _chosen(article: Article, ranking: dict[str, float]) -> list[str]:
    """The topics of an article given the classifier's ranking (see :meth:`TopicAssigner.assign_all`)."""
    section = section_topic(article)
    tagged = tag_topics(article)
    ranked = sorted(tagged, key=lambda t: -ranking.get(t, 0.0))
    if section and section != GENERIC:
        topics = [section, *ranked]
    else:
        topics = ranked or [next(iter(ranking))]
    topics += [t for t, p in ranking.items() if p >= SECONDARY_POSTERIOR]
    return list(dict.fromkeys(topics))[:MAX_TOPICS]
