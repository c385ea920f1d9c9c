"""The query language: what a user types, as a query over index fields.

A small lexer and a recursive-descent parser turn the text into a tree
(words, phrases, NOT, AND, OR, field prefixes), and a compiler turns the tree
into an engine-neutral :mod:`search.index_query`, running every word through
the same French chain as the articles (:mod:`search.analysis`); each engine
evaluates that. The language is parsed here once, for every engine. Grammar::

    query   := or
    or      := and (("OR" | "OU") and)*
    and     := unary (("AND" | "ET")? unary)*
    unary   := ("NOT" | "SAUF" | "-")* near
    near    := primary [("NEAR/" N | "PRES/" N) primary]
    primary := FIELD ":" primary | "(" or ")" | PHRASE ["~" N] | WORD ["~" [N]] | WORD (">" | ">=") N

Nothing here raises for what a user typed: a malformed query is searched as
its plain words, and :attr:`ParsedQuery.notice` says so in French.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time

from . import index_query as iq
from .analysis import WORD_RE, fold, fold_word, terms
from .dates import parse_range
from .facets import Names
from .request import SearchRequest

MAX_QUERY_CHARS = 1000
MAX_LITERAL_WORDS = 32
MAX_DEPTH = 20
MAX_FUZZY = 2
MAX_NEAR = 50            # NEAR/n: Solr's surround parser takes distances up to 99
MAX_COUNT = 1000         # word>=k
PHRASE_SLOP = 3          # "proximity" bonus: the words of an AND within this distance
PROXIMITY_BOOST = 1.5

OPERATORS = {"OR": "or", "OU": "or", "AND": "and", "ET": "and", "NOT": "not", "SAUF": "not"}
# French and English names, folded (so "thème:" and "Titre:" work too).
FIELDS = {
    "titre": "title", "title": "title",
    "source": "source", "sources": "source",
    "personne": "person", "person": "person", "personnes": "person",
    "theme": "topic", "topic": "topic", "themes": "topic",
    "langue": "lang", "lang": "lang", "language": "lang",
    "commentaires": "comments", "commentaire": "comments", "comments": "comments", "comment": "comments",
    "date": "date",
    "agence": "agency", "agency": "agency", "agences": "agency",
}
QUOTES = {'"': '"', "«": "»", "“": "”", "„": "“"}
_STOPCHARS = set("()") | set(QUOTES) | set(QUOTES.values())
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_FIELD_PREFIX = re.compile(r"([^\W\d_]+):(.*)", re.S)
_FUZZY = re.compile(r"(.+?)~(\d?)")
_WILDCARDS = re.compile(r"([*?])")
# "NEAR/3", "PRES/3", any case (the slash and number keep it from being a word); also "PRÈS/3".
_NEAR = re.compile(r"(?i)(near|pr[eè]s)/(.*)", re.S)
# "sncf>=3" (at least 3 occurrences), "sncf>2" (more than 2): a word, then the bound.
_COUNT = re.compile(r"(.*\w)(>=?)(\d+)", re.S)
# What the fallback leaves out of a malformed query: "NEAR/x", and the ">=0" of "sncf>=0".
_OPERATOR_TEXT = re.compile(r"(?i)(?<!\S)(?:near|pr[eè]s)/\S*|(?<=\w)>=?\d*")

# Which index fields a word searches: (stemmed fields, unstemmed "exact" fields).
TEXT_TARGETS = {
    None: (("title", "body"), ("title_exact", "body_exact")),
    "title": (("title",), ("title_exact",)),
    "comments": (("comments",), ()),
    "person_names": ((), ("person_names",)),
}


class QuerySyntaxError(ValueError):
    """What is wrong with a query, in French, for the notice."""


# --- the tree -------------------------------------------------------------------------

@dataclass
class Word:
    text: str
    field: str | None = None
    fuzzy: int | None = None       # maximum edit distance, or None
    start: int = 0                 # where the word is in the query text (for suggestions)
    end: int = 0
    minimum: int | None = None     # word>=k: occurrences required, or None


@dataclass
class Phrase:
    text: str
    field: str | None = None
    slop: int = 1


@dataclass
class Near:
    left: Word | Phrase
    right: Word | Phrase
    distance: int          # words allowed between them
    operator: str = ""     # as typed, for notices


@dataclass
class Not:
    child: object


@dataclass
class And:
    items: list


@dataclass
class Or:
    items: list


# --- lexer ------------------------------------------------------------------------------

@dataclass
class Token:
    kind: str        # word, phrase, field, lparen, rparen, op, minus, near
    text: str        # as typed
    start: int
    end: int
    slop: int = 1    # phrases: "…"~N; near: the distance
    field: str = ""  # fields: the index-side name


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(Token("lparen" if char == "(" else "rparen", char, i, i + 1))
            i += 1
        elif char in QUOTES:
            i = _lex_phrase(text, i, tokens)
        elif char in QUOTES.values():
            i += 1       # a stray closing quote carries no meaning
        elif char in "-+" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "-+)":
            if char == "-":
                tokens.append(Token("minus", char, i, i + 1))
            i += 1
        else:
            i = _lex_word(text, i, tokens)
    return tokens


def _lex_phrase(text: str, i: int, tokens: list[Token]) -> int:
    close = text.find(QUOTES[text[i]], i + 1)
    if close < 0 and text[i] != '"':
        close = text.find('"', i + 1)
    if close < 0:
        raise QuerySyntaxError("guillemet non fermé")
    end = close + 1
    slop = re.match(r"~(\d{1,2})", text[end:])
    token = Token("phrase", text[i + 1:close], i, end)
    if slop:
        token.slop = max(1, int(slop[1]))
        end += slop.end()
    tokens.append(token)
    return end


def _lex_word(text: str, i: int, tokens: list[Token]) -> int:
    start = i
    while i < len(text) and not text[i].isspace() and text[i] not in _STOPCHARS:
        i += 1
    word = text[start:i]
    prefix = _FIELD_PREFIX.fullmatch(word)
    if prefix:
        name, rest = prefix.groups()
        known = FIELDS.get(fold(name))
        if known:
            tokens.append(Token("field", name, start, start + len(name) + 1, field=known))
            if rest:
                tokens.append(Token("word", rest, start + len(name) + 1, i))
            return i
        if rest:
            raise QuerySyntaxError(f"champ inconnu « {name}: »")
        word = name       # "Vatican: achat": a colon before a space is punctuation
    near = _NEAR.fullmatch(word)
    if near:
        tokens.append(Token("near", word, start, i, slop=_near_distance(word, near[2])))
        return i
    kind = "op" if word in OPERATORS else "word"
    tokens.append(Token(kind, word, start, start + len(word)))
    return i


def _near_distance(operator: str, digits: str) -> int:
    if not digits.isascii() or not digits.isdigit() or not 1 <= int(digits) <= MAX_NEAR:
        raise QuerySyntaxError(f"« {operator} » : la distance est un nombre de mots de 1 à {MAX_NEAR}")
    return int(digits)


# --- parser -----------------------------------------------------------------------------

class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def is_op(self, token: Token | None, *ops: str) -> bool:
        return token is not None and token.kind == "op" and OPERATORS[token.text] in ops

    def parse(self):
        node = self.parse_or(None)
        if self.peek() is not None:
            raise QuerySyntaxError("parenthèse fermante en trop")
        return node

    def parse_or(self, field):
        items = [self.parse_and(field)]
        while self.is_op(self.peek(), "or"):
            self.expect_operand(self.take())
            items.append(self.parse_and(field))
        return items[0] if len(items) == 1 else Or(items)

    def parse_and(self, field):
        items = [self.parse_unary(field)]
        while True:
            token = self.peek()
            if token is None or token.kind == "rparen" or self.is_op(token, "or"):
                break
            if self.is_op(token, "and"):
                self.expect_operand(self.take())
            items.append(self.parse_unary(field))
        return items[0] if len(items) == 1 else And(items)

    def parse_unary(self, field):
        negations = 0
        while self.is_op(self.peek(), "not") or (self.peek() and self.peek().kind == "minus"):
            self.expect_operand(self.take())
            negations += 1
        node = self.parse_near(field)
        return Not(node) if negations % 2 else node

    def parse_near(self, field):
        left = self.parse_primary(field)
        operator = self.peek()
        if operator is None or operator.kind != "near":
            return left
        self.take()
        self.expect_operand(operator)
        right = self.parse_primary(field)
        if self.peek() is not None and self.peek().kind == "near":
            raise QuerySyntaxError(f"« {self.peek().text} » : NEAR relie deux termes, pas plus")
        return Near(_near_operand(left, field, operator), _near_operand(right, field, operator),
                    operator.slop, operator.text)

    def expect_operand(self, operator: Token) -> None:
        following = self.peek()
        if following is None or following.kind in ("rparen", "near") or self.is_op(following, "or", "and"):
            raise QuerySyntaxError(f"opérateur « {operator.text} » sans terme")

    def parse_primary(self, field):
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("requête incomplète")
        if token.kind in ("op", "near"):
            raise QuerySyntaxError(f"opérateur « {token.text} » sans terme")
        if token.kind == "rparen":
            raise QuerySyntaxError("parenthèse fermante en trop")
        self.take()
        if token.kind == "field":
            following = self.peek()
            if following is None or following.kind in ("rparen", "op", "field"):
                raise QuerySyntaxError(f"champ « {token.text}: » sans valeur")
            return self.parse_primary(token.field)
        if token.kind == "lparen":
            return self.parse_group(field)
        if token.kind == "phrase":
            return Phrase(token.text, field, token.slop)
        return _word(token, field)

    def parse_group(self, field):
        if self.peek() is not None and self.peek().kind == "rparen":
            raise QuerySyntaxError("parenthèses vides")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError("trop de parenthèses imbriquées")
        node = self.parse_or(field)
        self.depth -= 1
        if self.peek() is None:
            raise QuerySyntaxError("parenthèse non fermée")
        self.take()
        return node


def _near_operand(node, field: str | None, operator: Token):
    """NEAR relates two plain words or exact phrases of the same field."""
    plain = isinstance(node, Phrase) or (isinstance(node, Word) and node.fuzzy is None and node.minimum is None
                                         and not _WILDCARDS.search(node.text))
    if not plain or node.field != field:
        raise QuerySyntaxError(f"« {operator.text} » relie deux mots ou expressions entre guillemets")
    return node


def _word(token: Token, field: str | None) -> Word:
    count = _COUNT.fullmatch(token.text)
    if count:
        word, operator, bound = count.groups()
        minimum = int(bound) + (operator == ">")
        if not 1 <= minimum <= MAX_COUNT:
            raise QuerySyntaxError(f"« {token.text} » : le nombre d’occurrences va de 1 à {MAX_COUNT}")
        return Word(word, field, None, token.start, token.start + len(word), minimum=minimum)
    fuzzy = _FUZZY.fullmatch(token.text)
    if fuzzy:
        distance = min(int(fuzzy[2] or 1), MAX_FUZZY)
        return Word(fuzzy[1], field, max(distance, 1), token.start, token.start + len(fuzzy[1]))
    return Word(token.text, field, None, token.start, token.end)


def parse_tree(text: str):
    """The tree of a query, or QuerySyntaxError. None for an empty query."""
    if _CONTROL.search(text):
        raise QuerySyntaxError("caractères de contrôle")
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"requête trop longue, plus de {MAX_QUERY_CHARS} caractères")
    tokens = tokenize(text)
    return _Parser(tokens).parse() if tokens else None


def literal_tree(text: str):
    """The fallback: the query's words, all required, without any syntax (operators dropped)."""
    text = _OPERATOR_TEXT.sub(lambda m: " " * len(m.group()), text)     # blanked: offsets stay valid
    words = [Word(m.group(), None, None, m.start(), m.end()) for m in WORD_RE.finditer(text)
             if m.group() not in OPERATORS]
    words = words[:MAX_LITERAL_WORDS]
    return None if not words else words[0] if len(words) == 1 else And(words)


# --- compiler -----------------------------------------------------------------------------

@dataclass
class ParsedQuery:
    query: object                       # an index_query node (iq.EVERY for an empty query)
    notice: str | None = None           # French, for the user, when the query was not understood
    highlight: list = field(default_factory=list)   # positive leaves: words to highlight
    words: list[Word] = field(default_factory=list)           # free words as typed, for "did you mean"


def parse(text: str, names: Names | None = None, variants: bool = True, comments: bool = False) -> ParsedQuery:
    """The query to run for ``text``; never raises for anything a user can type."""
    try:
        tree = parse_tree(text)
        return _Compiler(names, variants, comments).run(tree) if tree else ParsedQuery(iq.EVERY)
    except QuerySyntaxError as error:
        notice = f"Requête mal formée ({error}) : recherche des mots tels quels."
        tree = literal_tree(_CONTROL.sub(" ", text))
        parsed = _Compiler(names, variants, comments).run(tree) if tree else ParsedQuery(iq.NOTHING)
        parsed.notice = notice
        return parsed


def parse_request(req: SearchRequest, names: Names) -> ParsedQuery:
    """A request's query, parsed with the request's own options (name variants, reader comments)."""
    return parse(req.query, names, variants=req.variants, comments=req.comments)


@dataclass
class _Compiled:
    query: object | None
    stop: bool = False        # a lone stop word: dropped from an AND that has other words


FILTER_FIELDS = ("source", "person", "topic", "lang", "date", "agency")


class _Compiler:
    """Tree -> index query; remembers the words to highlight and to spell-check."""

    def __init__(self, names: Names | None, variants: bool, comments: bool):
        self.names = names
        self.variants = variants and names is not None and names.registry is not None
        self.targets = dict(TEXT_TARGETS)
        if comments:
            stemmed, exact = TEXT_TARGETS[None]
            self.targets[None] = (stemmed + ("comments",), exact)
        self.highlight: list = []
        self.words: list[Word] = []

    def run(self, tree) -> ParsedQuery:
        compiled = self.conjunction(tree.items if isinstance(tree, And) else [tree], negated=False)
        query = compiled.query if compiled is not None else iq.NOTHING
        return ParsedQuery(query, highlight=self.highlight, words=self.words)

    # Each method returns a _Compiled, or None when the node holds nothing searchable.

    def node(self, node, negated: bool, exact: bool) -> _Compiled | None:
        if isinstance(node, Word):
            return self.word(node, negated, exact)
        if isinstance(node, Phrase):
            return self.phrase(node, negated)
        if isinstance(node, Near):
            return self.near(node, negated)
        if isinstance(node, Not):
            child = self.node(node.child, not negated, exact=True)
            return _Compiled(iq.AndNot(iq.EVERY, child.query)) if child is not None else None
        if isinstance(node, Or):
            return _combine(iq.Or, [self.node(item, negated, exact=True) for item in node.items])
        return self.conjunction(node.items, negated)

    def conjunction(self, items: list, negated: bool) -> _Compiled | None:
        positive = [i for i in items if not isinstance(i, Not)]
        negative = [i.child for i in items if isinstance(i, Not)]
        # Stop words count only when there is nothing else ("le" alone, or "to be or not to be").
        only_stops = all(_is_stop(i) for i in positive)
        required = [self.person(group, negated) if isinstance(group, list) else self.node(group, negated, only_stops)
                    for group in self.person_runs(positive)]
        query = _combine(iq.And, [r for r in required if r is not None and not r.stop])
        excluded = _combine(iq.Or, [self.node(i, not negated, exact=True) for i in negative])
        if excluded is not None:
            query = _Compiled(iq.AndNot(query.query if query is not None else iq.EVERY, excluded.query))
        proximity = self.proximity(positive) if not negated else None
        if query is not None and proximity is not None:
            query = _Compiled(iq.AndMaybe(query.query, proximity))
        return query

    def word(self, word: Word, negated: bool, exact: bool) -> _Compiled | None:
        if word.field in FILTER_FIELDS:
            return self.facet(word.field, word.text, negated)
        if word.minimum is not None:
            return self.count(word, negated)
        if _WILDCARDS.search(word.text):
            return self.multiterm(word, negated)
        folded = terms(word.text, stem=False)
        if len(folded) > 1:        # "Maison-Blanche", "21:00": the parts, in order
            return self.phrase(Phrase(word.text, word.field), negated)
        if not folded:
            return None
        stemmed_fields, exact_fields = self.targets[word.field]
        if word.fuzzy:
            return self.leaves([iq.Fuzzy(f, folded[0], distance=word.fuzzy, prefix=1)
                                for f in exact_fields or stemmed_fields], negated)
        if not negated and word.field is None:
            self.words.append(word)
        stemmed = terms(word.text, stem=True)
        if not stemmed:
            if not exact:
                return _Compiled(None, stop=True)
            return self.leaves([iq.Term(f, folded[0]) for f in exact_fields or stemmed_fields], negated)
        return self.leaves([iq.Term(f, stemmed[0]) for f in stemmed_fields]
                           + [iq.Term(f, folded[0]) for f in exact_fields], negated)

    def phrase(self, phrase: Phrase, negated: bool) -> _Compiled | None:
        """Quoted text: the exact forms (unstemmed, stop words kept), in order."""
        if phrase.field in FILTER_FIELDS:
            return self.facet(phrase.field, phrase.text, negated)
        stemmed_fields, exact_fields = self.targets[phrase.field]
        words = terms(phrase.text, stem=not exact_fields)
        if not words:
            return None
        fields = exact_fields or stemmed_fields
        if len(words) == 1:
            return self.leaves([iq.Term(f, words[0]) for f in fields], negated)
        return self.leaves([iq.Phrase(f, tuple(words), slop=phrase.slop) for f in fields], negated)

    def near(self, near: Near, negated: bool) -> _Compiled:
        """``a NEAR/n b``: on the exact forms (stop words count as words), like phrases."""
        field = near.left.field
        exact_fields = () if field in FILTER_FIELDS else self.targets[field][1]
        if not exact_fields:
            raise QuerySyntaxError(f"« {near.operator} » ne s’applique pas à ce champ")
        left, right = (tuple(terms(operand.text, stem=False)) for operand in (near.left, near.right))
        if not left or not right:
            raise QuerySyntaxError(f"« {near.operator} » relie deux mots ou expressions entre guillemets")
        return self.leaves([iq.Near(f, left, right, near.distance) for f in exact_fields], negated)

    def count(self, word: Word, negated: bool) -> _Compiled:
        """``sncf>=3``: the word's occurrences in the searched fields, added up (stems, or the exact
        form for a stop word, which only the exact fields hold)."""
        folded = terms(word.text, stem=False)
        if len(folded) != 1 or _WILDCARDS.search(word.text) or "~" in word.text:
            raise QuerySyntaxError(f"« {word.text}>… » : un nombre d’occurrences s’applique à un seul mot")
        stemmed_fields, exact_fields = self.targets[word.field]
        stemmed = terms(word.text, stem=True)
        fields, term = (stemmed_fields, stemmed[0]) if stemmed else (exact_fields or stemmed_fields, folded[0])
        if not negated and word.field is None:
            self.words.append(word)
        node = iq.Count(tuple(fields), term, word.minimum, folded[0])
        if not negated:
            self.highlight.append(node)
        return _Compiled(node)

    def multiterm(self, word: Word, negated: bool) -> _Compiled | None:
        """``secur*``, ``s?curit?``: on the unstemmed forms, since stems are not words."""
        pattern = _fold_pattern(word.text)
        if not pattern.strip("*?"):
            return _Compiled(iq.EVERY)
        stemmed_fields, exact_fields = self.targets[word.field]
        fields = exact_fields or stemmed_fields
        head = pattern[:-1]
        if pattern.endswith("*") and not _WILDCARDS.search(head):
            return self.leaves([iq.Prefix(f, head) for f in fields], negated)
        return self.leaves([iq.Wildcard(f, pattern) for f in fields], negated)

    def leaves(self, leaves: list, negated: bool) -> _Compiled:
        if not negated:
            self.highlight.extend(leaves)
        return _Compiled(leaves[0] if len(leaves) == 1 else iq.Or(tuple(leaves)))

    # --- facet fields -------------------------------------------------------------

    def facet(self, name: str, value: str, negated: bool) -> _Compiled | None:
        if name == "date":
            span = parse_range(value)
            if span is None:
                raise QuerySyntaxError(f"date illisible « {value} »")
            return _Compiled(iq.DateRange("published", datetime.combine(span.start, time.min),
                                          datetime.combine(span.end, time.max)))
        if not value.strip("*? "):
            return None
        if value.endswith("*"):
            return _Compiled(iq.Prefix(name, self.key(name, value.rstrip("*"))))
        if name == "person":
            return self.person_value(value, negated)
        return _Compiled(iq.Term(name, self.key(name, value)))

    def key(self, name: str, value: str) -> str:
        return self.names.key(name, value) if self.names is not None else fold(value)

    def person_value(self, value: str, negated: bool) -> _Compiled:
        """``personne:X``: the person facet, or an article naming X under any spelling."""
        spellings = self.names.spellings(value) if self.variants else [value]
        named = [self.phrase(Phrase(s, "person_names"), negated) for s in spellings]
        return _combine(iq.Or, [_Compiled(iq.Term("person", self.key("person", value)))] + named)

    # --- person names written differently ---------------------------------------

    def person_runs(self, items: list) -> list:
        """The items, with each run of plain words naming a known person as a list."""
        if not self.variants:
            return items
        grouped, i = [], 0
        while i < len(items):
            for length in (3, 2, 1):
                run = items[i:i + length]
                if len(run) == length and all(_plain(w) for w in run) \
                        and self.names.person(" ".join(w.text for w in run)):
                    grouped.append(run)
                    i += length
                    break
            else:
                grouped.append(items[i])
                i += 1
        return grouped

    def person(self, run: list[Word], negated: bool) -> _Compiled | None:
        """A name as typed, or written as any known spelling, or tagged with the person."""
        typed = " ".join(w.text for w in run)
        as_typed = _combine(iq.And, [self.word(w, negated, exact=False) for w in run])
        spellings = [s for s in self.names.spellings(typed) if fold(s) != fold(typed)]
        others = [self.phrase(Phrase(s), negated) for s in spellings]
        tagged = _Compiled(iq.Term("person", self.key("person", typed)))
        return _combine(iq.Or, [as_typed, *others, tagged])

    # --- ranking -------------------------------------------------------------------

    def proximity(self, items: list):
        """Words of an AND found close together (in any form) rank higher: an optional clause."""
        words = [t for w in items if _plain(w) for t in terms(w.text, stem=False)]
        if not 2 <= len(words) <= 8:
            return None
        return iq.Or(tuple(iq.Phrase(f, tuple(words), slop=PHRASE_SLOP, boost=PROXIMITY_BOOST)
                         for f in TEXT_TARGETS[None][1]))


def _fold_pattern(text: str) -> str:
    return "".join(p if p in ("*", "?") else fold_word(p) for p in _WILDCARDS.split(text))


def _plain(node) -> bool:
    return isinstance(node, Word) and node.field is None and node.fuzzy is None and node.minimum is None \
        and not _WILDCARDS.search(node.text)


def _is_stop(node) -> bool:
    return _plain(node) and not terms(node.text, stem=True) and bool(terms(node.text, stem=False))


def _combine(kind, parts: list) -> _Compiled | None:
    queries = [p.query for p in parts if p is not None and p.query is not None]
    if not queries:
        return None
    return _Compiled(queries[0] if len(queries) == 1 else kind(tuple(queries)))
