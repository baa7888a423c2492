"""One loaded knowledge base with its indexes, and the way a message becomes an Answer.

A snapshot never changes after it is built: a reload builds a new one and
swaps it in, so a question in flight sees one whole knowledge base.

A message is read first (bot/reading.py: chat and context set aside), each
question part is resolved (bot/resolver.py) and judged (bot/policy.py), and the
pieces are assembled with their citations (bot/compose.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import replace
from datetime import UTC, datetime
from itertools import pairwise
from typing import NamedTuple, TypeVar

from bot.analyzer import question_types
from bot.answer import Answer, Citation, StatReply, Suggestion
from bot.compose import Piece, assemble
from bot.figures import Figure, figures
from bot.knowledge import KnowledgeBase, paragraph_number
from bot.lexicon import (
    ADDRESSEE,
    ASKER_POSSESSIVES,
    CONTENT_QUESTION_WORDS,
    COPULAS,
    COUNT_UNITS,
    HEDGES,
    MEANS_FOR,
    POINTERS,
    POSSESSIVES,
    QUESTION_WORDS,
    SET_ASIDE,
    SET_ASIDE_WORDS,
    SOURCE_WORDS,
    STAND_INS,
    STOPWORDS,
    TOPIC_PREPOSITIONS,
)
from bot.messages import msg
from bot.models import Intent
from bot.narrowing import Narrowing, restricting_terms
from bot.policy import (
    Decision,
    DecisionModel,
    Policy,
    asks_count,
    asks_reverse,
    figure_kind,
    parts_asked_of,
)
from bot.reading import (
    POINTED_AT,
    addresses_formally,
    asks,
    chat_kind,
    has_cue,
    of_the_asker,
    opens_as_question,
    read,
)
from bot.resolver import Candidate, IntentIndex, Resolution, Resolver
from bot.settings import Settings
from bot.stats import StatIndex
from bot.text import (
    clean,
    dictated,
    fold,
    has_latin,
    is_number,
    is_year,
    quote_digest,
    sentences,
    tokens,
)

# Platform markup that is not part of a question: Slack/Discord mentions and
# links (<@U1>, <!here>, <#C1|x>, <https://…>), HTML tags, Markdown emphasis.
_MARKUP = re.compile(
    r"<[@#!][^>]*>|<https?://[^>]*>|</?[a-zA-Z][^>]*>|[*_~`]+"
    r"|\b(?:https?://|www\.)\S+"  # a bare link: its words are another page's, not a question
)
ELLIPTICAL_GROUPS = frozenset({"group", "place", "time"})  # what a part alone may narrow by
THIN_PART = 2  # a later part of no more features than this, naming nothing, leans on the first
OWN_TOPIC_SHARE = 0.15  # a thin part's concept known to fewer intents than this is its topic
TOPIC_WORDS = 7  # words of a topic asked about, each side of an "and"
NAME_WINDOW = 40  # characters read each side of an "and" for the words of a name
_CLAUSE = re.compile(r"\s*(?:[,;?]|\s[&+n]\s|\bund\b|\band\b|\bsowie\b)\s*", re.IGNORECASE)
# "(1) …, (2) …" or "1) … 2) …": each numbered item is a question of its own, and its
# number no figure of the question.
_NUMBERED = re.compile(r"(?:^|[\s,;]+)\(?[1-9]\)\s*")
# An example set off by commas (", e.g. in petaflops,", ", z. B. in Euro,"): an aside of the
# clause around it, not a clause of its own nor the end of one.
_ASIDE = re.compile(
    r",\s*((?:e\.\s?g\.|z\.\s?b\.|zum beispiel|for example|for instance|such as|say)\s[^,;?]*),",
    re.IGNORECASE,
)
_ALTERNATIVES = re.compile(
    r"\s*(?:[,;:?]|\s[–—]\s|\boder\b|\bor\b|\bvs\.?|\bversus\b|\bthan\b|\bals\b)\s*",
    re.IGNORECASE,
)
# "higher than the share using or planning AI": "than" divides, "or" stays within a side
_BETWEEN = re.compile(r"\s*(?:[,;:?]|\s[–—]\s|\band\b|\bund\b)\s*", re.IGNORECASE)
_THAN_WORD = re.compile(r"\b(?:vs\.?|versus|than|als)\s", re.IGNORECASE)
_THAN = re.compile(r"\s*(?:[;?]|\bvs\.?|\bversus\b|\bthan\b|\bals\b)\s*", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_NAMED = frozenset({"entity", "place"})  # restricting terms that name a thing
_QUOTED = re.compile(r"['\"‘’“”„«»‹›]\w[^'\"‘’“”„«»‹›]*\b(?:oder|or)\b")  # "'using or planning'"
_EITHER = re.compile(r"\s*,?\s\b(?:oder|or)\b\s", re.IGNORECASE)  # "A oder B?", "A, or B?"
_SENTENCE_ENDS = re.compile(r"[.!?;:]+(?=\s|$)")  # of told words read as one sentence
_FOR_WHOM = POINTERS | MEANS_FOR  # "was bedeutet das für KMU?" asks no abbreviation
ACRONYM_LETTERS = 6  # a name this short that the question uses may be spelled out
SHOWN_CHARS = 90  # a sentence shown in a list is cut here (its citation has it whole)
MORE_ANSWERS = 2  # other answers "mehr dazu" gives at most
MORE_SENTENCES = 3  # sentences "mehr dazu" quotes at most
MORE_MIN_CHARS = 40  # shorter lines are headings
MORE_COMMON_SHARE = 0.2  # topic words in more intents than this say nothing of the topic
MORE_DISTANCE = 3  # paragraphs away at which a sentence counts half
CHAT_UNKNOWN_WORDS = 3  # a question to the bot with no more words the article lacks is chat
SMALLTALK_MATCH = 0.5  # share of a chat message a smalltalk intent must know
ALTERNATIVE_DEPTH = 8  # a side of "A or B?" must be among the whole question's best intents
SIDE_COVERAGE = 0.3  # and know this share of the side's words
BY_NUMBER_FEATURES = 3  # the figure and at most two other words ("the 25 percent?")
_UNREADABLE = re.compile(r"[\ufffd\ud800-\udfff]")
_LIST_WORDS = (
    "zahl zahlen kennzahl kennzahlen fakten figur figures figure number numbers stat stats "
    "statistik statistic statistics liste list nenn nenne auflisten aufzählen overview "
    "überblick übersicht summary key alle all welche which what artikel article give gibt "
    "prozent percent percentages prozentzahlen angaben text erwähnt mentioned jahreszahl "
    "jahreszahlen jahr jahre year years dates datum daten vorkommen kommen vor appear appears"
)


class Snapshot:
    """A knowledge base, its resolver, policy and stat index, and how answers are built."""

    def __init__(
        self,
        kb: KnowledgeBase,
        settings: Settings,
        model: DecisionModel | None = None,
        indexes: Sequence[IntentIndex] | None = None,
    ) -> None:
        self.kb = kb
        self.settings = settings
        self.resolver = Resolver(kb, settings.default_lang, indexes)
        self.stats = StatIndex(kb, settings.default_lang)
        self.intents = {i.id: i for i in kb.intents}
        self.policy = Policy(
            self.resolver,
            self.intents,
            model or DecisionModel.load(),
            _figure_kinds(kb),
            _approximate(kb),
        )
        analyze = self.resolver.analyzer.analyze
        self._fact_features = {
            f.id: analyze(" ".join((*f.topics, f.label.de, f.label.en)), correct=False).features
            for f in kb.facts
        }
        docs = self.resolver.docs
        self._topics = frozenset().union(
            *(docs[i.id].bag | docs[i.id].context for i in kb.intents if i.kind != "smalltalk")
        )
        # the words of a name written in several ("Wang Zheng", "Hong Kong"): each a topic
        # word, though alone it is no concept
        self._name_words = frozenset(
            word
            for terms in self.resolver.entity_terms.values()
            for term in terms
            if len(words := tokens(term)) > 1 and not STOPWORDS.intersection(words)
            for word in words
            if len(word) > 2 and not is_number(word)
        )
        self._list_features = analyze(_LIST_WORDS, correct=False).features
        # Article intents by the figures they state, and intents by their facts, in the
        # order of the knowledge (looked up per question, not searched).
        self._stating_number: dict[str, list[str]] = {}
        self._stating_fact: dict[str, set[str]] = {}
        figures = {f.id: _figures_of(f.value.de, f.value.en) for f in kb.facts}
        for key, doc in docs.items():
            if self.intents[key].kind != "article":
                continue
            stated = doc.numbers | {n for f in self.intents[key].facts for n in figures.get(f, ())}
            for number in stated:
                self._stating_number.setdefault(number, []).append(key)
            for fact in self.intents[key].facts:
                self._stating_fact.setdefault(fact, set()).add(key)
        self._joined_names = _joined_names(kb)
        # The words and concepts of what the article's intents ask and say: a question to
        # the bot in none of them ("Was kannst du eigentlich alles, bevor ich dich mit Fragen
        # zu dem Hongkong-Artikel löchere?") is chat, though chat intents know its words.
        self._article_words = frozenset().union(
            *(
                doc.scope
                for key, doc in self.resolver.docs.items()
                if key in self.intents and self.intents[key].kind in ("article", "gap")
            )
        )
        self._concept_terms = {"@" + c.id: tuple(c.terms) for c in kb.concepts}
        # what a thin later part may lean on: the named things, and events ("… China
        # Conference held, and in which city?")
        self._leanable = {
            f: terms[0]
            for f, terms in self.resolver.entity_terms.items()
            if f in self.resolver.entities or self.resolver.entity_kinds[f] == "event"
        }
        # Per article intent, for "mehr dazu": its quotes, their digests, and its cited places.
        self._cited_by: dict[str, tuple[tuple[str, ...], tuple[str, ...], frozenset]] = {
            key: (
                tuple(c.quote for c in intent.cite),
                tuple(quote_digest(c.quote) for c in intent.cite),
                frozenset((c.source, c.locator) for c in intent.cite),
            )
            for key, intent in self.intents.items()
            if intent.kind == "article"
        }
        self.loaded_at = datetime.now(UTC).isoformat(timespec="seconds")

    # -- questions -------------------------------------------------------------

    def answer(self, text: str, lang: str | None = None) -> Answer:
        """The reply to any string: help, refusal, answer, passage or abstention; in `lang`
        when given (a follow-up read with the last question replies in its own language)."""
        text = text if isinstance(text, str) else str(text)
        default = self.settings.default_lang
        limit = self.settings.max_question_chars
        if len(text) > limit:
            reply = msg("too_long", default, length=len(text), limit=limit)
            return Answer(text[:200], False, default, reply, "refused")
        if _UNREADABLE.search(text):
            return Answer(
                _UNREADABLE.sub("", text)[:200],
                False,
                default,
                msg("unreadable", default),
                "refused",
            )
        question = _numbered_as_questions(dictated(clean(_MARKUP.sub(" ", text))))
        if not question:
            return self._help(text, default)
        if not has_latin(question) and not any(ch.isdigit() for ch in question):  # "2035?" asks
            if not any(ch.isalnum() for ch in question):  # emoji or symbols only
                return self._help(text, default)
            return Answer(text, False, default, msg("other_script", default), "abstain")
        reading = read(question)
        lang = lang or self._reply_language(question, reading.questions)
        if reading.only_chat or (reading.chat and all(map(self._remark, reading.questions))):
            return assemble(text, lang, [self._smalltalk(question, lang)])
        # a part asked twice ("hpc? hpc? hpc? …") is answered once
        cut = _Cut()
        token = _CUT.set(cut)
        try:
            parts = self._first_parts(list(dict.fromkeys(reading.questions)))
            alone = dict(reading.alone)
            before = dict(reading.context)
            earlier = dict(reading.story)
            pieces: list[Piece] = []
            declined_for = ""  # the group or place a part before was declined for
            headed = self._headings(parts, lang)
            for n, part in enumerate(parts):
                if n in headed:  # "HKPC survey n=? how many firms polled?": one question
                    pieces += headed[n]
                    continue
                if n - 1 in headed:
                    continue
                # "Do the SMEs struggle more with hiring? What percent of them …?": "them"
                # are the SMEs the article gives nothing for
                asked = part
                if declined_for and _asks_it_again(part):
                    # "… mehr Probleme bei der Personalsuche? Wie viel Prozent sind das bei den
                    # KMUs?": "das" is what the part before asked, of the group declined there
                    asked = f"{parts[n - 1].rstrip('?!. ')} {part}"
                elif declined_for and _stands_in(part):
                    asked = f"{declined_for} {part}"
                if n and asked == part and _points_back(part):  # "… RAISe+? Launch year of each?"
                    names = self._names_to_lean_on(parts[:n], part, self.resolver.resolve(part))
                    asked = f"{names} {part}" if names else part
                got = self._leaning_pieces(
                    asked, alone.get(part), lang, before.get(part), earlier.get(part)
                )
                pieces += got
                declined_for = self._declined_for(part, lang) if _narrowed(got) else ""
        finally:
            _CUT.reset(token)
        answer = assemble(text, lang, pieces)
        if not cut.parts:
            return answer
        said = msg("parts_cut", lang, limit=self.settings.max_question_parts)
        return replace(answer, text=f"{answer.text}\n\n{said}")

    def _headings(self, parts: list[str], lang: str) -> dict[int, list[Piece]]:
        """Parts that only name a topic ("HKPC survey n=?", "n der HKPC-Umfrage?") before a
        question of their own ("how many firms polled?"): the heading of that question,
        when the two read as one are what the article does not give (a known gap, or a
        narrower question). By the index of the heading: the pieces of the two as one."""
        found: dict[int, list[Piece]] = {}
        for n, (part, question) in enumerate(pairwise(parts)):
            if n - 1 in found or not _names_only_a_topic(part):
                continue
            if self.policy.terms(part, lang):  # "Und im Vorjahr? Wie viele genau?" restricts
                continue
            if not opens_as_question(tokens(question)):
                continue
            joined = self._pieces(f"{part.rstrip('?!. ')}: {question}", lang)
            if joined and all(p.kind in ("gap", "narrowed") for p in joined):
                found[n] = joined
        return found

    def _declined_for(self, part: str, lang: str) -> str:
        """The group or place words a declined part names ("the SMEs", "Shenzhen")."""
        return " ".join(t.words for t in self.policy.terms(part, lang) if t.group in _HELD_GROUPS)

    def _first_parts(self, parts: list[_T]) -> list[_T]:
        """The first `max_question_parts` of a message's parts (its questions, a question's
        clauses): each part costs the reading of the others, so a message of hundreds
        (40,000 characters of "scheme and 41 and …") took a minute. A cut is told in the
        reply (`_CUT`)."""
        limit = self.settings.max_question_parts
        if len(parts) <= limit:
            return parts
        if (cut := _CUT.get()) is not None:
            cut.parts = True
        return parts[:limit]

    def _leaning_pieces(
        self,
        part: str,
        alone: str | None,
        lang: str,
        before: str | None = None,
        earlier: str | None = None,
    ) -> list[Piece]:
        """A question read with the sentence before it, or, when the two together are not
        answered, the question alone (the context only added words the article lacks). A
        question that does not lean on the sentence before it, but is not answered alone, is
        read with that sentence's words the article knows ("Client is worried about hiring
        local talent. What does the article say on talent availability?")."""
        pieces = self._pieces(part, lang)
        if (
            alone is None
            and before is not None
            and not any(p.answered or p.kind == "narrowed" for p in pieces)
        ):
            told = self._known_words(before)
            gist = self._pieces(f"{told}: {part}", lang) if told else []
            if gist and all(p.answered for p in gist):
                return gist
        if alone is None or any(p.answered for p in pieces):
            return pieces
        # the story around the question in the words the article knows ("… are mostly living
        # off the domestic market. What's the revenue number?": domestic, market, revenue);
        # a word of the story the article does not know ("our chairman asks …") narrows nothing
        lead = part[: len(part) - len(alone)]
        told = self._known_words(lead)
        gist = self._pieces(f"{told} {alone}", lang) if told else []
        if any(p.answered for p in gist):
            return gist
        # the sentence before points back in turn ("Jens meinte, das sei 2016 gewesen"):
        # the story from its start, in the words the article knows
        # (German nouns are capitalised: "Hintergrundkasten" is no name here)
        story = self._known_words(f"{earlier} {lead}", names=False) if earlier else ""
        story = _SENTENCE_ENDS.sub(" ", story)  # one sentence: its words, not its parts
        whole = self._pieces(f"{story} {alone}", lang) if story else []
        if any(p.answered for p in whole):
            return whole
        for reading in (pieces, gist):
            if any(p.kind == "narrowed" for p in reading):
                return reading
        own = self._pieces(alone, lang)
        return own if any(p.answered for p in own) else pieces

    def _aside_of_the_asker(self, clause: str) -> bool:
        """A clause of the asker that says nothing the knowledge knows ("I am curious", "ich
        frage mich"): no part of what the next clause asks."""
        return of_the_asker(clause) and self._remark(clause)

    def _remark(self, part: str) -> bool:
        """A part beside chat that asks nothing and says nothing the knowledge knows ("…
        vielen Dank, das hat mir echt den Tag gerettet!"): part of the chat."""
        if "?" in part or asks(part):
            return False
        features = self.resolver.analyzer.analyze(part, correct=False).features
        return not any(f in self.resolver.idf for f in features)

    def _known_words(self, text: str, *, names: bool = True) -> str:
        """The words of `text` the knowledge knows, figures, and with `names` names
        (capitalised after the first word: an unknown place still narrows)."""
        knows = self.resolver.analyzer.knows
        kept = [
            word
            for n, word in enumerate(text.split())
            if (toks := tokens(word))
            and (
                all(knows(t) or is_number(t) for t in toks)
                or (names and n > 0 and word[:1].isupper())
            )
        ]
        return " ".join(kept)

    def answer_intent(self, intent_id: str, lang: str) -> Answer:
        intent = self.intents.get(intent_id)
        lang = lang if lang in ("de", "en") else self.settings.default_lang
        if intent is None:
            return Answer(intent_id, False, lang, msg("abstain", lang), "abstain")
        question = getattr(intent.questions, lang)[0]
        return assemble(question, lang, [self._intent_piece(intent, lang, 1.0)])

    # -- follow-ups (bot/conversation.py) --------------------------------------------

    def answer_intents(self, question: str, intent_ids: list[str], lang: str) -> Answer:
        """The answers of known intents again, e.g. in the other language."""
        known = [self.intents[i] for i in intent_ids if i in self.intents]
        if not known:
            return Answer(question, False, lang, msg("about_what", lang), "abstain")
        pieces = [self._intent_piece(intent, lang, 1.0) for intent in known]
        return assemble(question, lang, pieces)

    def passages(self, question: str, cited: list[tuple[str, str]], lang: str) -> Answer:
        """The cited paragraphs in full, each with its locator ("Quelle?")."""
        cites = []
        for source, locator in dict.fromkeys(cited):
            src = self.kb.sources.get(source)
            para = src.paragraph(locator) if src else None
            if para:
                cites.append(self._citation(source, locator, para, None))
        if not cites:
            return Answer(question, False, lang, msg("about_what", lang), "abstain")
        lines = [msg("sources", lang)] + [f"{c.locator}: „{c.quote}“" for c in cites]
        # what was cited, in full: certain, no unsure answer for the unanswered log
        piece = Piece("\n".join(lines), tuple(cites), True, "passage", None, 1.0)
        return assemble(question, lang, [piece])

    def neighbours(
        self, question: str, cited: list[tuple[str, str, str]], about: str, lang: str
    ) -> Answer:
        """ "mehr dazu": the article's other sentences on the topic `about` (the last question
        and answer), most related first, none already cited; shown in article order."""
        quotes = [q for _, _, q in cited]
        common = self.resolver.weight_of_share(MORE_COMMON_SHARE)
        topic = {
            f
            for f in self.resolver.analyzer.analyze(about, correct=False).features
            if self.resolver.weight(f) > common  # "Hongkong" is in every paragraph
        }
        # a locator that is no paragraph number (a stored context of another version's, a
        # corrupted one) is near nothing: int() raised past the reader
        near = [n for _, loc, _ in cited if (n := paragraph_number(loc)) is not None] or [0]
        cited_at = {loc for _, loc, _ in cited}
        scored: list[tuple[float, int, Citation]] = []
        # The resolver's passage index holds every sentence worth quoting, analysed once.
        for order, (key, doc) in enumerate(self.resolver.passages.items()):
            source_id, locator, index = key.split("|")
            sentence = self._sentence(source_id, locator, int(index))
            if len(sentence) < MORE_MIN_CHARS or any(
                sentence in q or q in sentence for q in quotes
            ):
                continue
            weight = sum(self.resolver.weight(f) for f in doc.bag & topic)
            if locator in cited_at:  # the paragraph goes on about what was said
                weight += common
            weight /= 1 + min(abs(int(locator.lstrip("§")) - m) for m in near) / MORE_DISTANCE
            if weight > 0:
                scored.append((weight, order, self._citation(source_id, locator, sentence, None)))
        best = sorted(scored, key=lambda t: (-t[0], t[1]))[:MORE_SENTENCES]
        if not best:
            return Answer(question, False, lang, msg("no_more", lang), "abstain")
        found = [c for _, _, c in sorted(best, key=lambda t: t[1])]
        lines = [msg("more", lang)] + [f"{c.locator}: „{c.quote}“" for c in found]
        return assemble(question, lang, [Piece("\n".join(lines), tuple(found), True, "passage")])

    def related_intents(
        self,
        said: list[str],
        cited: list[tuple[str, str, str]],
        about: str,
        told: frozenset[str] = frozenset(),
    ) -> list[str]:
        """ "mehr dazu": other answers, each saying something not yet cited (it may restate
        what was said): those asked about the named things of `about` (the last question and
        answer), its person first ("what else did he say?"); then those going on from a
        sentence just cited, the most focused on it first (after the 55 % who want to
        expand, the potential that underlines); then those naming its named things from the
        paragraphs just cited, then anywhere, then from those paragraphs. `told`: digests
        (quote_digest) of what earlier answers of the conversation cited, not told again."""
        at = {(src, loc) for src, loc, _ in cited}
        names = set(self.entity_kinds(about))
        quoted = {q for _, _, q in cited}
        fresh = [
            key
            for key, cites in self._cited_by.items()
            if key not in said
            and not all(q in quoted or d in told for q, d in zip(*cites[:2], strict=True))
        ]  # each says something not yet cited

        def here(key: str) -> bool:
            return bool(self._cited_by[key][2] & at)

        people = names & self.resolver.people  # "he": the person, before the firm

        def named(key: str, which: set[str] = names) -> bool:
            return bool(which & self.resolver.docs[key].scope)

        def asked(key: str, which: set[str] = people) -> bool:  # about it, not only naming it
            return bool(which & self.resolver.docs[key].bag)

        def going_on() -> list[str]:  # by the share of its quotes that are (in) one just cited
            share = {}
            for key in fresh:
                quotes = self._cited_by[key][0]
                going = sum(any(q in c or c in q for c in quoted) for q in quotes)
                share[key] = going / len(quotes)
            return sorted((k for k in fresh if share[k]), key=share.__getitem__, reverse=True)

        for found in (  # each list made only when those before it are empty
            lambda: [k for k in fresh if asked(k)],
            lambda: [k for k in fresh if asked(k, names)],
            going_on,
            lambda: [k for k in fresh if here(k) and named(k)],
            lambda: [k for k in fresh if named(k)],
            lambda: [k for k in fresh if here(k)],
        ):
            if listed := found():
                return listed[:MORE_ANSWERS]
        return []

    def knows_topic(self, token: str) -> bool:
        """Whether a folded word is a topic word of the article's intents ("kannst" of "Was
        kannst du?" is not)."""
        features = self.resolver.analyzer.analyze(token, correct=False).features
        return bool(features & self._topics)

    def knows_topic_or_name(self, token: str) -> bool:
        """`knows_topic`, or a word of a name written in several ("Wang" of Wang Zheng):
        with no answer before it, a message naming him asks about him."""
        return token in self._name_words or self.knows_topic(token)

    def entity_terms(self, text: str) -> list[str]:
        """Names of the entities `text` mentions (for "die Firma" in the next question)."""
        features = self.resolver.analyzer.analyze(text, correct=False).features
        return [self.resolver.entities[f] for f in sorted(features & self.resolver.entities.keys())]

    def entity_kinds(self, text: str) -> dict[str, str]:
        """Entity feature → its kind (person, organisation, programme) in `text`."""
        features = self.resolver.analyzer.analyze(text, correct=True).features
        return {f: self.resolver.entity_kinds[f] for f in features & self.resolver.entities.keys()}

    def _pieces(self, part: str, lang: str) -> list[Piece]:
        """The pieces of the reply to one question part."""
        part = self._without_mention_clause(part)
        res = self.resolver.resolve(part)
        decision = self.policy.decide(part, res)
        part, res, decision = self._without_set_aside(part, res, decision)
        premise = self.policy.presupposed(part, res)
        if premise is not None:  # "Why do 60 % …?": the figure first, then the why if known
            pieces = [self._decided(premise, lang)]
            cand = decision.candidate
            if (
                cand
                and decision.verdict in ("answer", "premise")
                and cand.key != premise.candidate.key
            ):
                pieces.append(self._decided(Decision("answer", cand, decision.probability), lang))
            return pieces
        spelled = self._spelled_out(part, res, lang)
        if spelled is not None:  # "what's HKSTP stand for and how many firms are there?"
            clauses = _clauses(part, self._joined_names)
            if len(clauses) < 2:
                return [spelled]
            others = self._first_parts([c for c in clauses if not has_cue(tokens(c), "stands_for")])
            return [spelled, *(piece for c in others for piece in self._pieces(c, lang))]
        # a known gap takes "which people are mentioned?" for the firm's staff it lacks
        gap = decision.candidate is not None and self.intents[decision.candidate.key].kind == "gap"
        mention = gap and bool(_MENTION_WORDS & set(res.words))
        named = self._named_things(res, lang) if decision.verdict != "answer" or mention else None
        if named is not None:
            return [named]
        by_kind = _figure_kind(res.words) is not None  # "all the years": a list
        # "Zahlen, wie viele Fertigungsunternehmen …": a narrower question gets no list of
        # the figures for all firms
        terms = self.policy.terms(part, res.lang)
        narrower = any(t.group not in ("precision", "entity") for t in terms)
        listing = (decision.verdict != "answer" or by_kind) and not narrower
        listed = self._listing(res, lang) if listing else None
        if listed is not None:
            return [listed]
        aggregate = decision.verdict == "narrowed" and decision.group == "aggregate"
        aggregate = aggregate and not self._aggregate_apart(part, res.lang)
        clauses = [] if aggregate else self._clause_decisions(part, res)
        answered = [d for d in clauses if d.verdict in ("answer", "premise")]
        # the whole read as a known gap ("… and what will it cost?") must not hide a part
        # the article answers ("what's the timeline …")
        whole_answers = decision.verdict == "answer" and self._is_article(decision)
        if len(answered) >= 2 or (answered and len(clauses) >= 2 and not whole_answers):
            pieces = [self._decided(d, lang) for d in clauses]
            if decision.verdict == "answer" and not whole_answers and decision not in clauses:
                # the gap says what the article does not give ("the cost"), not just "a part"
                unanswered = next((n for n, d in enumerate(clauses) if d.candidate is None), None)
                if unanswered is not None:
                    pieces[unanswered] = self._decided(decision, lang)
            return self._compared(pieces, clauses, res, lang)
        only = clauses[0] if len(clauses) == 1 else None
        if decision.verdict == "abstain" and only and only.verdict == "answer" and not terms:
            # "Before I start on this copy, could you tell me …?": the one part that asks is
            # answered; the rest only told when or why
            return [self._decided(only, lang)]
        reverse = self._reverse(part, res, decision)
        if reverse:
            return [self._intent_piece(self.intents[k], lang, 0.5) for k in reverse]
        tied = self._tied(part, res, decision)
        if decision.verdict != "abstain" and not tied:
            return [self._decided(decision, lang), *self._titled(decision, res, lang)]
        if tied:
            return [self._intent_piece(self.intents[c.key], lang, c.score) for c in tied]
        by_number = self._by_number(res)
        if by_number and not self._narrower_than_stated(part, by_number[0], res):
            return [self._intent_piece(self.intents[k], lang, 0.5) for k in by_number]
        passage = self._passage(part, res)
        if passage is not None:
            return [passage]
        either = decision.verdict == "abstain" and not _QUOTED.search(part)
        sides = self._either_side(part, res) if either else []
        if sides:
            return [self._decided(d, lang) for d in sides]
        if self._asks_the_bot(part, res):  # "Could you explain what you can assist me with?"
            chat = next((c.key for c in res.ranked if self._is_smalltalk(c.key)), None)
            intent = self.intents.get(chat or "smalltalk.help")
            if intent is not None:
                return [self._intent_piece(intent, lang, 0.5)]
        return [self._abstention(res, decision)]

    def _titled(self, decision: Decision, res: Resolution, lang: str) -> list[Piece]:
        """What the article says the people are whom a question gives a wrong title ("Why did
        SenseTime CEO Wang Zheng praise HK?": Wang Zheng is the CFO), beside the correction,
        when another intent says it."""
        if decision.verdict != "premise" or decision.group != "person" or not decision.candidate:
            return []
        pieces = []
        for person in sorted(res.analysis.features & self.resolver.people):
            name = self.resolver.entity_terms[person][0]
            about = self.policy.decide(name, self.resolver.resolve(name))
            if about.verdict == "answer" and about.candidate.key != decision.candidate.key:
                pieces.append(self._decided(about, lang))
        return pieces

    def _aggregate_apart(self, part: str, lang: str) -> bool:
        """ "What % of firms face hiring issues, and what is the average salary?": the sum
        or average is asked in a part of its own, so the other parts are answered and only
        that part is declined; "the total of the two schemes" stays one declined question."""
        clauses = _clauses(part, self._joined_names)
        if len(clauses) < 2 or _between(tokens(part)):  # "the difference between A and B"
            return False
        said = [fold(t.words) for t in self.policy.terms(part, lang) if t.group == "aggregate"]
        holding = [any(w in fold(c) for w in said) for c in clauses]
        return any(holding) and not all(holding)

    def _either_side(self, part: str, res: Resolution) -> list[Decision]:
        """ "Setzen die alle auf Cloud oder haben die eigene Server im Keller?": a choice
        whose whole fits no answer well. Each side is read alone; the sides the article
        answers answer it (the other side is what the asker wonders about), unless a side
        narrows what the article states ("… in Shenzhen or in Singapore?") or says too
        little to be a question of its own ("… beantragt oder bewilligt bekommen?"). (Not
        asked of an "or" inside a quote.)"""
        sides = [s for s in _EITHER.split(part) if s.strip(" ?,.;:")]
        if len(sides) != 2:
            return []
        best = [c.key for c in self.policy.ranked(res)[:3]]
        found: list[Decision] = []
        for side in sides:
            side_res = self.resolver.resolve(side)
            decision = self.policy.decide(side, side_res)
            if decision.verdict == "narrowed":
                return []
            said = {d.candidate.key for d in found if d.candidate}
            answers = decision.verdict in ("answer", "premise") and self._is_article(decision)
            if not answers or decision.candidate.key in said:
                continue
            if len(side_res.analysis.features) < 2:  # one word is no question of its own
                return []
            if decision.candidate.key not in best:
                return []  # the side alone reads as something the whole is not about
            if res.analysis.types and not self._answers_type(decision.candidate, res):
                return []  # "Wie viele … beantragt oder bewilligt?" asks a count of both
            # what the whole question restricts, read in the side that is answered; a name
            # anywhere ("AWS, Azure oder Alibaba Cloud?" asks which of the named); and a
            # group, place or time of the other side when this side is no question of its
            # own ("What % of SMEs are using or planning to use AI?": the SMEs do both)
            terms = self.policy.narrowing(part, decision.candidate, res)
            own = opens_as_question(tokens(side))
            if any(
                t.group in _NAMED
                or fold(t.words) in fold(side)
                or (not own and t.group in ELLIPTICAL_GROUPS)
                for t in terms
            ):
                return []
            found.append(decision)
        return found

    def _tied(self, part: str, res: Resolution, decision: Decision) -> list[Candidate]:
        """The figure intents that tie for the best, each to be answered: after a decline,
        or instead of the best one alone when the question asks for each ("jeweils")."""
        if decision.verdict not in ("answer", "abstain"):
            return []
        tied = self.policy.tied_figures(part, res)
        answered = decision.verdict == "answer"
        if tied and answered and decision.candidate != self.policy.ranked(res)[0]:
            return []  # answered with another than the best intent, for a reason of its own
        return tied

    def _asks_the_bot(self, part: str, res: Resolution) -> bool:
        """A short question to the bot in words the article does not use ("are you a
        robot?", "Was können Sie für mich tun?"): chat, not the article. More words no intent
        knows ask about something else ("was hältst du von Nvidia-Aktien, kaufen?")."""
        features = res.analysis.features
        unknown = [f for f in features if f not in self.resolver.idf]
        of_the_article = features & self._article_words
        setting = of_the_article & self.policy.background
        # the setting ("Fragen zu dem Hongkong-Artikel") beside words of chat only: "the
        # weather in Hong Kong this weekend?" asks about the city
        chatty = features - self._article_words - set(unknown)
        return (
            bool(ADDRESSEE.intersection(res.words) or addresses_formally(part))
            and len(unknown) <= CHAT_UNKNOWN_WORDS
            and of_the_article <= setting
            and (not setting or bool(chatty))
        )

    def _is_smalltalk(self, key: str) -> bool:
        return self.intents[key].kind == "smalltalk"

    def _is_article(self, decision: Decision) -> bool:
        cand = decision.candidate
        return cand is not None and self.intents[cand.key].kind == "article"

    def _without_mention_clause(self, question: str) -> str:
        """ "Wer ist dieser Herr Wang Zheng, von dem in der Zeitung die Rede ist?": of a named
        thing, where the asker read of it asks nothing ("Zeitung" would ask the article's
        source); "Nenne alle Städte, die im Artikel vorkommen" names none and keeps it."""
        m = _mention_clause(question)
        if m is None:
            return question
        head = question[: m.start()]
        named = self.resolver.analyzer.analyze(head, correct=True).features
        if not named & self.resolver.entities.keys():
            return question
        return head + m.group("end")

    def _without_set_aside(
        self, part: str, res: Resolution, decision: Decision
    ) -> tuple[str, Resolution, Decision]:
        """ "Welche Stärken nennt der Artikel neben dem Kapitalmarkt?": the question without
        the thing it sets aside, when that is answered by another intent than the one about
        the thing (or the whole was not answered). A figure asked "besides" something is
        narrower instead (the policy declines it)."""
        split = _set_aside(part)
        if split is None or self.policy._asks_figure(res) or self.policy._asks_who_else(part, res):
            return part, res, decision  # narrower, not the rest (the policy judges those)
        rest, aside = split
        set_aside = self.resolver.analyzer.analyze(aside, correct=True).features
        if not set_aside or set_aside & self.resolver.entities.keys():
            return part, res, decision  # "who else besides Wang?": others of a kind, narrower
        rest_res = self.resolver.resolve(rest)
        rest_decision = self.policy.decide(rest, rest_res)
        chosen = rest_decision.candidate
        if rest_decision.verdict != "answer" or chosen is None:
            return part, res, decision
        before = decision.candidate if decision.verdict == "answer" else None

        def asked_of(key: str) -> bool:  # what the intent's stored questions ask about
            return set_aside <= frozenset().union(*self.resolver.docs[key].variants)

        if not self._is_article(rest_decision) or asked_of(chosen.key):
            return part, res, decision  # the rest's answer is about the thing set aside too
        if before is None and chosen.key not in [c.key for c in self.policy.ranked(res)[:3]]:
            return part, res, decision  # the rest alone reads as something else entirely
        if before is not None and (
            before.key == chosen.key
            or not asked_of(before.key)
            or rest_decision.probability < decision.probability
        ):
            return part, res, decision  # the answer given is not about the thing set aside
        return rest, rest_res, rest_decision

    def _decided(self, decision: Decision, lang: str) -> Piece:
        cand = decision.candidate
        if cand is None:
            return Piece(msg("part_unanswered", lang), (), False, "abstain")
        intent = self.intents[cand.key]
        piece = self._intent_piece(intent, lang, decision.probability)
        if decision.verdict == "narrowed":
            terms = ", ".join(decision.terms)
            if decision.group in ("part", "who", "where", "list"):
                text = msg(f"{decision.group}_not_given", lang, answer=piece.text)
            else:
                text = msg("narrowed", lang, terms=terms, answer=piece.text)
            return Piece(text, piece.citations, False, "narrowed", intent.id, piece.confidence)
        if decision.verdict == "premise":
            wrong = ", ".join(decision.terms)
            text = msg("premise", lang, wrong=wrong, answer=piece.text)
            return Piece(text, piece.citations, True, "intent", intent.id, piece.confidence)
        return piece

    def _clause_decisions(self, question: str, res: Resolution) -> list[Decision]:
        """The decisions for the parts of a question ("who …, and when …?"), in order; a
        part that asks but is not answered stays, to be said unanswered."""
        if _offers_alternatives(res):
            return self._alternatives(question, res) or self._named_pair(question, res)
        clauses = self._first_parts(_clauses(question, self._joined_names))
        if len(clauses) < 2:
            return self._named_pair(question, res)
        found: list[Decision] = []
        seen: set[tuple[str, str]] = set()
        # "For my slides I need two numbers: what share …, and …?": the part after a
        # lead-in's colon asks
        asking = [asks(c) or _split_lead_in(c) is not None for c in clauses]
        clauses = [self._without_lead_in(c) for c in clauses]
        base = ""
        narrowing = [bool(n) and self._only_narrows(c) for n, c in enumerate(clauses)]
        # a part declined for what it narrows to ("Who is SenseTime's chief executive, …")
        # leaves a later part that stands in for that thing ("… and has he commented …?")
        # unanswerable too: the article's answer would be about someone else
        declined_thing = False
        for n, clause in enumerate(clauses):
            if declined_thing and _stands_in(clause) and asks(clause):
                found.append(Decision("abstain"))
                continue
            if n and not asks(clause.rstrip("?")) and (self._rider(clause) or _relative(clause)):
                continue  # "…, not counting …", "der KMU, die …": narrows the question
            if not asking[n] and any(asking[:n]):
                continue  # "…? Trying to find the recording": an aside, not a question
            if (
                not asking[n]
                and any(asking[n + 1 :])
                and _asks_quantity(clauses[n + 1 :])
                and not _asks_a_measure(clause)
            ):
                base = clause  # "Of the firms needing HPC support, what share are SMEs?"
                continue
            if not n and len(clauses) > 1 and any(asking[1:]) and self._only_a_group(clause):
                base = clause  # "what about the SMEs, how many profitable?": of the SMEs
                continue
            if not asking[n] and n + 1 < len(clauses) and narrowing[n + 1]:
                continue  # "49 % ok, aber wie schauts bei den KMU aus?": the base
            if not asking[n] and any(asking[n + 1 :]) and _for_the_asker(clause):
                continue  # "For our Singapore readers, what is …?": whom it is for
            if not asking[n] and any(asking[n + 1 :]) and self._aside_of_the_asker(clause):
                continue  # "I am curious, what was …?": a remark of the asker
            clause = clause.rstrip("?")
            if narrowing[n]:  # … asks the part before it again, narrowed
                clause = f"{clauses[n - 1].rstrip('?')} {clause}"
            elif base:  # … asked of the base ("firms with 10-49 staff: what share …?")
                clause, base = f"{base} {clause}", ""
            clause_res = self.resolver.resolve(clause)
            others = clauses[:n] or clauses[n + 1 :]  # "In which city and when was … held?"
            if names := self._names_to_lean_on(others, clause, clause_res):
                clause = f"{names} {clause}"  # "…RAISe+ programm, welches jahr gestartet?"
                clause_res = self.resolver.resolve(clause)
            pair = self._named_pair(clause, clause_res)
            if pair:  # "größe ai subsidy scheme u raise+? und wer verwaltet die zwei?"
                said = {key for key, _ in seen}
                found += [d for d in pair if d.candidate.key not in said]
                seen.update((d.candidate.key, d.verdict) for d in pair)
                continue
            decision = self.policy.decide(clause, clause_res)
            cand = decision.candidate
            if cand is None or decision.verdict == "abstain":
                if asks(clause):
                    found.append(Decision("abstain"))
                    declined_thing = bool(self.policy.terms(clause, clause_res.lang))
                continue
            if (cand.key, decision.verdict) in seen:
                continue  # said once; but "how many …, and how many at Cyberport?" narrows it
            if narrowing[n] and (cand.key, "answer") in seen:
                found.append(Decision("abstain"))  # "…, und wie viele heute?": said unanswered
                continue
            own = clauses[n]  # as written, without the words it leans on
            if (cand.key, "narrowed") in seen and not self.policy.terms(own, clause_res.lang):
                # "… wie sieht es bei den KMUs aus, wie viel Prozent verdienen da Geld?": the
                # same answer again, for nothing of its own, asks of the group declined before
                found.append(Decision("abstain"))
                continue
            seen.add((cand.key, decision.verdict))
            found.append(decision)
            # a known gap says what the article lacks about a thing ("On what date … did the
            # China Conference take place"): "… and in which city was it held?" lacks it too
            # so does a part declined for a group ("Haben auch die großen Konzerne Probleme,
            # KI-Leute zu finden? Wie viel Prozent sind es bei denen?")
            declined_thing = asks(clause) and (
                self.intents[cand.key].kind == "gap" or decision.verdict == "narrowed"
            )
        # "Hi, how many …?": the question is answered, not the greeting; "wer bist du und
        # was kannst du?" is chat in both parts, each answered
        asked = [d for d in found if not (d.candidate and self._is_smalltalk(d.candidate.key))]
        return asked or found

    def _without_lead_in(self, clause: str) -> str:
        """A part after a lead-in that asks nothing ("Drei Punkte für die Faktenbox: Wie viel
        Prozent …"), with the lead-in's words the article knows ("Zwei Fragen zum Science
        Park: …" keeps the park)."""
        split = _split_lead_in(clause)
        if split is None:
            return clause
        head, tail = split
        return f"{self._known_words(head, names=False)} {tail}".strip()

    def _only_narrows(self, clause: str) -> bool:
        """A later part whose only words of substance restrict ("aber wie schauts bei den KMU
        aus?", "and for Shenzhen?"): it asks the part before it again, for that group, place
        or time, as a follow-up would."""
        res = self.resolver.resolve(clause)
        terms = [t for t in self.policy.terms(clause, res.lang) if t.group in ELLIPTICAL_GROUPS]
        if not terms or res.analysis.numbers:
            return False
        analyze = self.resolver.analyzer.analyze
        named = frozenset().union(*(analyze(t.words, correct=True).features for t in terms))
        return res.analysis.features <= named

    def _only_a_group(self, clause: str) -> bool:
        """A first part that only names whom the next one asks about ("what about the
        SMEs, how many profitable?"): no verb of its own ("How many SMEs are there, …"
        asks their number)."""
        toks = tokens(clause)
        return not COPULAS.intersection(toks) and self._only_narrows(clause)

    def _names_to_lean_on(self, others: list[str], clause: str, res: Resolution) -> str:
        """The named things of the other parts (those before, or for the first part those
        after) of a thin part that names none ("welches jahr gestartet?" after "seit wann
        gibts das raise+ programm"), when that part read alone is answered about another
        named thing (SenseTime's founding year) or has no topic of its own ("in which city
        and when was the China Conference held?"): what it asks about is what the message
        named."""
        named_kinds = self.resolver.entity_kinds.keys()
        if res.analysis.features & named_kinds or len(res.analysis.features) > THIN_PART:
            return ""
        alone = self.policy.decide(clause, res).candidate
        entities = self._leanable
        named = self.resolver.resolve(" ".join(others)).analysis.features & entities.keys()
        if alone is None:  # "…, und wann wurde die Firma gegründet?": of the firm named
            return " ".join(entities[f] for f in sorted(named))
        if POSSESSIVES.intersection(tokens(clause)):
            return ""  # "… und wann wurde seine Firma gegründet?": his firm, answered alone
        scope = self.resolver.docs[alone.key].scope
        # a topic of its own is a concept few intents know ("HPC-Zentrum"); "in which venue?"
        # asks where the thing named was, not where the article is set
        rare = self.resolver.weight_of_share(OWN_TOPIC_SHARE)
        topical = any(
            f[0] == "@" and f in self.resolver.idf and self.resolver.weight(f) > rare
            for f in res.analysis.features
        )
        if not named or named <= scope or (topical and not scope & entities.keys()):
            return ""  # "und wann macht das HPC-Zentrum auf?" has its own topic
        return " ".join(entities[f] for f in sorted(named))

    def _alternatives(self, question: str, res: Resolution) -> list[Decision]:
        """ "Which is bigger, A or B?": each side read on its own, but only as one of the
        intents the whole question fits best ("planning AI" alone is not the 2035 plan)."""
        whole = [c.key for c in res.ranked[:ALTERNATIVE_DEPTH] if self._states_figures(c.key)]
        found: list[Decision] = []
        splitter = _THAN if _THAN_WORD.search(question) else _ALTERNATIVES
        if _between(res.words) and not any(t in _CHOICE_WORDS for t in res.words):
            splitter = _BETWEEN  # "Between A and B, which …?"
        sides = _sides(question, splitter)
        for side in sides:
            side_res = self.resolver.resolve(side)
            fitting = [
                c
                for c in side_res.ranked
                if c.coverage >= SIDE_COVERAGE
                and (c.key in whole or (self._states_figures(c.key) and self._answers_type(c, res)))
            ]
            best = max(
                fitting,
                key=lambda c: (self._distinctive(c, side_res), self._answers_type(c, res)),
                default=None,
            )
            if best is None or best.key in {d.candidate.key for d in found if d.candidate}:
                continue
            if self.policy.narrowing(side, best, side_res):
                return []  # "… in Shenzhen or in Singapore": not two things the article states
            found.append(Decision("answer", best, best.score))
        return found if len(found) >= 2 else []

    def _named_pair(self, question: str, res: Resolution) -> list[Decision]:
        """ "RAISe+ vs AI Subsidy Scheme — which got the bigger pot?", "größe ai subsidy
        scheme u raise+?": a figure asked of two named things of one kind, each the topic of
        its own intent stating a figure: each answered (and compared), unless the question
        narrows either."""
        kinds = self.resolver.entity_kinds
        named = sorted(f for f in res.analysis.features if f in kinds)
        if len(named) != 2 or kinds[named[0]] != kinds[named[1]]:
            return []
        asks = has_cue(res.words, "compare") or "quantity" in res.analysis.types
        ranked = self.policy.ranked(res)
        found = []
        for entity, other in (named, named[::-1]):
            best = next(
                (
                    c
                    for c in ranked
                    if self._states_figures(c.key)
                    and entity in self.resolver.docs[c.key].bag
                    and other not in self.resolver.docs[c.key].bag
                ),
                None,
            )
            if best is None or self.policy.narrowing(question, best, res):
                return []
            rest = res.analysis.features - {other}
            if not (asks or self.resolver.docs[best.key].knows_all(rest)):
                return []  # neither a figure nor a comparison asked, nor only what it says
            found.append(Decision("answer", best, best.score))
        return found

    def _answers_type(self, cand: Candidate, res: Resolution) -> bool:
        """Whether the intent answers what the question asks ("which came first": a time)."""
        doc = self.resolver.docs[cand.key]
        if res.analysis.types & doc.types:
            return True
        # "the China Conference where Wang Zheng spoke": the year in its name dates it
        return "time" in res.analysis.types and any(map(is_year, doc.numbers))

    def _distinctive(self, cand: Candidate, res: Resolution) -> float:
        """How much of a side's rare words an intent knows: "mit Rekrutierungsproblemen" is
        about recruiting, whatever "der Anteil der Firmen" shares with firm sizes."""
        doc = self.resolver.docs[cand.key]
        common = self.resolver.weight_of_share(MORE_COMMON_SHARE)
        rare = [f for f in res.analysis.features if self.resolver.weight(f) > common]
        return sum(self.resolver.weight(f) for f in rare if f in doc.bag | doc.context)

    def _states_figures(self, key: str) -> bool:
        intent = self.intents[key]
        return intent.kind == "article" and bool(intent.facts or self.resolver.docs[key].numbers)

    def _rider(self, clause: str) -> bool:
        """A clause that only restricts the one before it ("not counting …", "in Shenzhen")."""
        return bool(restricting_terms(clause, self.resolver.analyzer.knows, "en"))

    def _compared(
        self, pieces: list[Piece], decisions: list[Decision], res: Resolution, lang: str
    ) -> list[Piece]:
        """Two figures asked about together ("which is bigger, A or B?"): say which."""
        if len(decisions) != 2 or not has_cue(res.words, "compare"):
            return pieces
        facts = []
        for d in decisions:
            intent = self.intents[d.candidate.key] if d.candidate else None
            if d.verdict != "answer":
                return pieces
            fact = self.stats.facts.get(intent.facts[0]) if intent and intent.facts else None
            facts.append(fact)
        if None in facts:
            return pieces
        values = [figures(f.value.en) for f in facts]
        if not all(values) or values[0][0].percent != values[1][0].percent:
            return pieces
        (a, va), (b, vb) = sorted(zip(facts, values, strict=True), key=lambda fv: fv[1][0].value)
        if va[0].value == vb[0].value and not va[0].year:
            return pieces
        key = "compare_time" if va[0].year and vb[0].year else "compare"
        line = msg(
            key,
            lang,
            low_label=a.label.get(lang),
            low=a.value.get(lang),
            high_label=b.label.get(lang),
            high=b.value.get(lang),
        )
        return [*pieces, Piece(line, (), True, "combined")]

    def _reverse(self, question: str, res: Resolution, decision: Decision) -> list[str]:
        """ "What does the 44 % refer to?": the intent that states the figure, unless the
        decided one already does."""
        if not asks_reverse(res) and not _only_a_figure_asked(res):
            return []
        found = self._by_number(res, any_length=True)
        if found and self._narrower_than_stated(question, found[0], res):
            return []  # "the 200 firms — how many come from the mainland?": narrower
        chosen = decision.candidate.key if decision.candidate else None
        if not found or (
            chosen and decision.verdict == "answer" and chosen in self._stating(found)
        ):
            return []
        return found

    def _narrower_than_stated(self, question: str, key: str, res: Resolution) -> bool:
        """Whether the question about a figure asks it of a group, place or time that the
        intent stating it (`key`) does not cover ("which day in 2014?" of the year SenseTime
        was founded); an "exactly" is no such thing ("44 % — of what exactly?")."""
        terms = self.policy.narrowing_of(question, key, res)
        words = list(res.words)
        return any(t.group != "precision" and not _points_at_it(t, words) for t in terms)

    def _stating(self, keys: list[str]) -> set[str]:
        """Intents that state the same figures as `keys` (linked to one of their facts)."""
        facts = {f for k in keys for f in self.intents[k].facts}
        return set(keys).union(*(self._stating_fact.get(f, ()) for f in facts))

    def _by_number(self, res: Resolution, *, any_length: bool = False) -> list[str]:
        """A figure named in the question that one or two intents state ("the 63 %?")."""
        # the figures as written: "über 200" is a phrase to the analyser, and still 200
        # asked for by a reverse cue, the figures as written: "über 200" is a phrase to the
        # analyser, and still 200
        written = {t for t in res.words if is_number(t)} if any_length else set()
        numbers = [n for n in res.analysis.numbers | written if n not in ("1", "2")]
        short = len(res.analysis.features) <= BY_NUMBER_FEATURES
        part = not any_length and any(map(is_number, parts_asked_of(res.words)))
        if len(numbers) != 1 or not (short or any_length) or part:
            return []  # "Which of the 200 firms …?" asks a part, not what 200 stands for
        keys = self._stating_number.get(numbers[0], [])
        ranked = [c.key for c in res.ranked if c.key in keys]
        return ranked[:1] if ranked else keys[:1]

    def _listing(self, res: Resolution, lang: str) -> Piece | None:
        """ "All figures of the HKPC study": the key statistics on a topic, each cited."""
        kind = _figure_kind(res.words)
        every = kind is not None and _every_figure(res.words)  # "all HKPC survey %s"
        if not every and not has_cue(res.words, "lists"):
            return None
        if kind is None and not _FIGURE_LIST_WORDS & set(res.words):
            return None  # "list the funding options": things an answer names, not figures
        topic = res.analysis.features - self._list_features
        if kind == "year" or (kind is not None and not topic):  # "all the years in the article"
            return self._figures_in_article(kind, lang)
        facts = [
            f
            for f in self.kb.facts
            if (not topic or topic & self._fact_features[f.id] or kind)
            and (kind is None or _is_kind(f.value.en, kind))
        ]
        if len(facts) < 2:
            return None
        rows = [self.stats.row(f, lang) for f in facts]
        lines = [msg("list_intro", lang)] + [f"• {r.label}: {r.value}" for r in rows]
        cites = tuple(dict.fromkeys(r.citation for r in rows))
        return Piece("\n".join(lines), cites, True, "combined", None, 0.5)

    def _figures_in_article(self, kind: str, lang: str) -> Piece | None:
        """Every figure of `kind` (years, percentages) as the article states it, in its
        order, each with the sentence that first states it: what it refers to, cited."""
        lines, cites, seen = [msg("list_intro", lang)], [], set()
        for source_id, src in self.kb.sources.items():
            for n, para in enumerate(src.paragraphs, start=1):
                if n == 1:
                    continue  # the headline repeats the title
                for sentence in sentences(para):
                    found = [f for f in figures(sentence) if _is_figure_kind(f, kind)]
                    new = [f for f in found if round(f.raw, 6) not in seen]
                    if not new:
                        continue
                    seen.update(round(f.raw, 6) for f in new)
                    cite = self._citation(source_id, f"§{n}", sentence, None)
                    shown = ", ".join(dict.fromkeys(f.text for f in new))
                    lines.append(f"• {shown}: {self._what_it_is(sentence, lang)}")
                    cites.append(cite)
        if len(lines) < 3:
            return None
        return Piece("\n".join(lines), tuple(cites), True, "combined", None, 0.5)

    def _what_it_is(self, sentence: str, lang: str) -> str:
        """The key statistic a sentence states (its label), else the first sentence of an
        answer that quotes it (in the reply's language), else the sentence; shortened."""
        for fact in self.kb.facts:
            if fact.cite.quote in sentence or sentence in fact.cite.quote:
                return fact.label.get(lang)
        said = next(
            (
                sentences(intent.answer.get(lang))[0]
                for intent in self.kb.intents
                if intent.kind == "article"
                and any(c.quote in sentence or sentence in c.quote for c in intent.cite)
            ),
            sentence,
        )
        return said if len(said) <= SHOWN_CHARS else said[:SHOWN_CHARS] + " …"

    def _spelled_out(self, part: str, res: Resolution, lang: str) -> Piece | None:
        """ "Wofür steht HKPC?", "Was bedeutet die Abkürzung HPC?": the abbreviation's full
        name where the article first writes it out (the longest name of the concept the
        article has)."""
        concepts = res.analysis.features & self._concept_terms.keys()
        if not has_cue(res.words, "stands_for") and not (
            has_cue(res.words, "means")
            and len(concepts) == 1
            and not _FOR_WHOM.intersection(res.words)  # not "what does it mean for SMEs?"
        ):
            return None
        if any(not is_year(n) for n in res.analysis.numbers):
            return None  # "Wofür stehen die 44 % in der HKPC-Studie?": what the figure is
        asked = set(res.words)
        written = set(_WORD.findall(part))  # of a name, any spelling; else as an acronym
        for feature in sorted(concepts):
            terms = self._concept_terms[feature]
            short = [t for t in terms if t in asked and t.isalpha() and len(t) <= ACRONYM_LETTERS]
            if feature not in self.resolver.entity_terms:
                short = [t for t in short if t.upper() in written]
            if not short:
                continue
            # the longest name the article writes ("kleine und mittlere Unternehmen")
            for term in sorted((t for t in terms if len(t) > ACRONYM_LETTERS), key=len)[::-1]:
                found = self._first_mention([term])
                if found is not None:
                    surface, cite = found
                    text = msg("stands_for", lang, short=short[0].upper(), full=surface)
                    return Piece(text, (cite,), True, "passage", None, 0.9)
        return None

    def _named_things(self, res: Resolution, lang: str) -> Piece | None:
        """ "Which organisations / cities does the article name?": the named things of that
        kind (concepts.yaml `entity:`), each cited where the article first names it."""
        words = set(res.words)
        kind = next((k for k, cues in _NAMED_KINDS.items() if cues & words), None)
        if kind is None and _WHO & words and _MENTION_WORDS & words:
            kind = "person"
        asks_which = bool({"which", "welche", "welcher", "what", *_WHO} & words) or has_cue(
            res.words, "lists"
        )
        asks_which = asks_which or bool(_LISTING_WORDS & words)  # "Nenne alle Städte …"
        asks_figures = "quantity" in res.analysis.types or bool(
            {"@amount", "@statistic"} & res.analysis.features
        )
        if kind is None or not (_NAMING_WORDS & words and asks_which) or asks_figures:
            return None  # "Name both schemes and their sizes" wants the figures
        lines, cites = [msg("named", lang)], []
        for concept in self.kb.concepts:
            if concept.entity not in _LISTED_AS[kind]:
                continue
            found = self._first_mention(concept.terms)
            if found is not None:
                surface, cite = found
                lines.append(f"• {surface}")
                if cite not in cites:
                    cites.append(cite)
        if len(lines) < 2:
            return None
        return Piece("\n".join(lines), tuple(cites), True, "combined", None, 0.5)

    def _first_mention(self, terms: list[str]) -> tuple[str, Citation] | None:
        """The article's own spelling of one of `terms`, and the sentence that first has it."""
        for source_id, src in self.kb.sources.items():
            for n, para in enumerate(src.paragraphs, start=1):
                if n == 1:
                    continue  # the headline repeats the title
                for sentence in sentences(para):
                    for term in terms:  # the first term is the name to show
                        hit = re.search(re.escape(term), sentence, re.IGNORECASE)
                        if hit and len(term) > 2:
                            cite = self._citation(source_id, f"§{n}", sentence, None)
                            return hit.group(0), cite
        return None

    def _intent_piece(self, intent: Intent, lang: str, score: float) -> Piece:
        citations = tuple(self._citation(c.source, c.locator, c.quote, intent) for c in intent.cite)
        kind = {"article": "intent", "smalltalk": "smalltalk", "gap": "gap"}[intent.kind]
        answered = intent.kind != "gap"
        return Piece(intent.answer.get(lang), citations, answered, kind, intent.id, score)

    def _citation(self, source: str, locator: str, quote: str, intent: Intent | None) -> Citation:
        as_of = None
        if intent is not None:
            facts = self.stats.facts
            as_of = next((facts[fid].as_of for fid in intent.facts if fid in facts), None)
        src = self.kb.sources.get(source)
        return Citation(source, locator, quote, as_of, src.meta.title if src else None)

    def _passage(self, question: str, res: Resolution) -> Piece | None:
        """One article sentence that clearly answers, quoted, when no intent does."""
        if self.policy.names_only_the_setting(res):
            return None
        cfg = self.settings.resolver
        passages = self.resolver.rank_passages(res.analysis, fold(question))
        if not passages or passages[0].score < cfg.passage_accept or passages[0].extra_numbers:
            return None
        best: Candidate = passages[0]
        stated = self.resolver.passages[best.key].numbers - res.analysis.numbers
        if "quantity" in res.analysis.types and all(map(is_year, stated)):
            return None  # "How much capital did SenseTime raise in 2014?": it gives no amount
        source, locator, index = best.key.split("|")
        original = self._sentence(source, locator, int(index))
        if asks_count(res.words) and not {"count", "percent"} & set(
            map(figure_kind, figures(original))
        ):
            return None  # "Wie viele Unternehmen haben … erhalten?": the budgets count no firms
        text = msg("passage", res.lang, locator=locator, quote=original)
        cite = self._citation(source, locator, original, None)
        return Piece(text, (cite,), True, "passage", None, best.score * 0.9)

    def _sentence(self, source: str, locator: str, index: int) -> str:
        """The `index`-th sentence of a paragraph, as the passage index numbers them."""
        return sentences(self.kb.sources[source].paragraph(locator) or "")[index]

    def _abstention(self, res: Resolution, decision: Decision) -> Piece:
        suggestions = self._suggestions(self.policy.ranked(res), res.lang)
        text = msg("abstain", res.lang)
        if suggestions:
            lines = "\n".join(f"• {s.question}" for s in suggestions)
            text = f"{text} {msg('abstain_suggest', res.lang)}\n{lines}"
        return Piece(text, (), False, "abstain", None, decision.probability, suggestions)

    def _smalltalk(self, question: str, lang: str) -> Piece:
        """A message of greetings or thanks only: the closest smalltalk answer."""
        res = self.resolver.resolve(question)
        top = next(
            (
                c
                for c in res.ranked
                if self.intents.get(c.key) and self.intents[c.key].kind == "smalltalk"
            ),
            None,
        )
        if top is not None and top.coverage >= SMALLTALK_MATCH:
            return self._intent_piece(self.intents[top.key], lang, top.score)
        kind = chat_kind(question)
        intent = self.intents.get(f"smalltalk.{kind}") if kind else None
        if intent is None:  # "ähm ähm": nothing to greet or thank for
            return Piece(msg("help", lang), (), False, "refused")
        return self._intent_piece(intent, lang, 0.5)

    def _suggestions(self, ranked: list[Candidate], lang: str) -> tuple[Suggestion, ...]:
        cfg = self.settings.resolver
        out = []
        for cand in ranked:
            intent = self.intents[cand.key]
            if cand.score < cfg.suggest or intent.kind != "article":
                continue
            out.append(Suggestion(intent.id, getattr(intent.questions, lang)[0], cand.score))
            if len(out) == cfg.max_suggestions:
                break
        return tuple(out)

    def _help(self, raw: str, lang: str) -> Answer:
        return Answer(raw, False, lang, msg("help", lang), "refused")

    # -- statistics ------------------------------------------------------------

    def stat(self, topic: str | None, *, lang: str | None = None) -> StatReply:
        # Read as a question is (a terminal sequence dropped whole, not its ESC alone), so
        # that no adapter echoes "[2J" of `/stat \e[2J`; a lone surrogate stays, to be echoed.
        topic = clean(topic) if topic else topic
        if lang is None and topic:
            lang = self.language(topic)
        return self.stats.lookup(topic, lang)

    def _reply_language(self, message: str, questions: tuple[str, ...]) -> str:
        """The language the question is asked in, else the message's: context in German,
        then "What does the article say about hiring problems?", is answered in English."""
        asked = " ".join(questions)
        if asked and asked != message:
            lang, signal = self._language_signal(asked)
            if signal:
                return lang
        return self.language(message)

    def language(self, text: str) -> str:
        """'de' or 'en' for `text`, as the resolver judges it (the default if no signal)."""
        return self._language_signal(text)[0]

    def _language_signal(self, text: str) -> tuple[str, bool]:
        return self.resolver.language(self.resolver.analyzer.analyze(text, correct=True), text)

    def topic_choices(self, partial: str, *, limit: int = 25) -> list[tuple[str, str]]:
        return self.stats.choices(partial, limit)


_NAMED_KINDS = {
    "organisation": frozenset(
        "organisationen organisations organizations organisation organization institutionen "
        "institutions institution companies firms unternehmen firmen akteure players".split()
    ),
    "place": frozenset("stadte cities city orte places lander countries regionen regions".split()),
    "programme": frozenset("programme programmes programs schemes forderprogramme".split()),
    "person": frozenset("personen people persons menschen leute".split()),
}
# "Who is quoted in the article?": the people it names, when asked with a word of mention
# (not "who founded SenseTime? need a name": a person of a relation the article lacks).
_WHO = frozenset({"who", "wer"})
_MENTION_WORDS = frozenset(
    "mentioned genannt erwahnt vorkommen vorkommt quoted cited zitiert zitierte".split()
)
_SEEN_IN = _MENTION_WORDS | frozenset(
    "zeitung newspaper paper rede talk talks spricht read gelesen".split()
)
_CLAUSE_PREPOSITIONS = frozenset("von über ueber uber about of".split())
_MENTION_CLAUSE = re.compile(r",\s*(?P<clause>[^,;?]+)\s*(?P<end>\??)\s*$")


def _mention_clause(question: str) -> re.Match[str] | None:
    """A closing relative clause that only says where the asker met a thing ("…, von dem
    in der Zeitung die Rede ist", "…, who is mentioned in the article")."""
    m = _MENTION_CLAUSE.search(question)
    if m is None:
        return None
    toks = tokens(m.group("clause"))
    opener = toks[1:] if toks[:1] and toks[0] in _CLAUSE_PREPOSITIONS else toks
    if not opener or not _relative(" ".join(opener)) or not _SEEN_IN.intersection(toks):
        return None
    if not all(t in STOPWORDS or t in SOURCE_WORDS or t in _SEEN_IN for t in toks):
        return None
    return m


_LISTED_AS = {  # the outlet is an organisation too when organisations are listed
    "organisation": ("organisation", "source"),
    "place": ("place",),
    "programme": ("programme",),
    "person": ("person",),
}
_NAMING_WORDS = frozenset(
    "named name names mentioned mention mentions genannt nennt nennen erwahnt erwahnen vor "
    "appear appears listed vorkommen vorkommt auftauchen taucht tauchen occur occurs "
    "featured show shows quoted cited zitiert zitierte".split()
)
_LISTING_WORDS = frozenset("nenne nenn list zahl aufzahlen auflisten alle all every".split())
_HELD_GROUPS = frozenset({"group", "place"})  # what a later part's "them", "denen" stand for
_EVERY = frozenset("all alle allen samtliche samtlichen every jede jeden jeder".split())
_EVERY_REACH = 3  # words from "all" to the figures it asks for ("all HKPC survey %s")
_YEAR_WORDS = frozenset("jahr jahre jahreszahl jahreszahlen year years dates datum daten".split())
_PERCENT_WORDS = frozenset(
    "prozent prozentzahlen percent percentages percentage anteile prozentwerte "
    "prozentangaben".split()
)
_FIGURE_LIST_WORDS = (
    frozenset(
        "zahl zahlen kennzahl kennzahlen werte fakten daten statistik statistiken figure figures "
        "number numbers stats statistics facts data".split()
    )
    | _YEAR_WORDS
    | _PERCENT_WORDS
)


_SET_ASIDE_LENGTHS = sorted({len(p) for p in SET_ASIDE}, reverse=True)


def _set_aside(question: str) -> tuple[str, str] | None:
    """`question` without "neben dem Kapitalmarkt", "apart from money" (the cue and a few
    words after it, up to a comma or a question word), and the words set aside; None when
    it sets nothing aside."""
    words = question.split()
    folded = [tuple(tokens(w)) for w in words]
    for i in range(len(words)):
        cue = next(
            (
                n
                for n in _SET_ASIDE_LENGTHS
                if tuple(t for f in folded[i : i + n] for t in f) in SET_ASIDE
            ),
            0,
        )
        if not cue:
            continue
        end = i + cue
        while end < len(words) and end - i - cue < SET_ASIDE_WORDS:
            first = folded[end][:1]
            if first and (first[0] in QUESTION_WORDS or first[0] in COPULAS):
                break
            end += 1
            if words[end - 1][-1:] in ",;:?":
                break
        if end == i + cue:
            return None
        aside = " ".join(words[i + cue : end]).rstrip(",;:?")
        rest = " ".join(words[:i] + words[end:])
        if words[end - 1][-1:] == "?" and not rest.endswith("?"):
            rest += "?"
        return rest, aside
    return None


def _every_figure(toks: tuple[str, ...]) -> bool:
    """ "sämtliche Prozentangaben", "all HKPC survey %s": a word for all right before the
    figures asked (not "what % of all respondents", not "fast alle")."""
    kinds = _YEAR_WORDS | _PERCENT_WORDS
    return any(
        t in _EVERY and not kinds.isdisjoint(toks[n + 1 : n + 1 + _EVERY_REACH])
        for n, t in enumerate(toks)
    )


def _figure_kind(toks: tuple[str, ...]) -> str | None:
    """ "all the years" / "alle Prozentzahlen": list figures of that kind only."""
    if _YEAR_WORDS & set(toks):
        return "year"
    if _PERCENT_WORDS & set(toks):
        return "percent"
    return None


def _is_figure_kind(figure: Figure, kind: str) -> bool:
    return figure.year if kind == "year" else figure.percent


def _is_kind(value: str, kind: str) -> bool:
    return any(_is_figure_kind(f, kind) for f in figures(value))


_RELATIVE_OPENERS = frozenset(
    "die der das dem den deren dessen denen welche welcher welches which who that whose "
    "if wenn falls weil because since obwohl although damit".split()
)


_HEADING_WORDS = 3  # content words of a part that only names a topic ("HKPC survey")


def _names_only_a_topic(part: str) -> bool:
    """A part of a few words that asks nothing of its own: no question word, no verb of a
    question ("HKPC survey n=?", "n der HKPC-Umfrage?"; not "RAISe+ wie groß?")."""
    toks = tokens(part)
    content = [t for t in toks if t not in STOPWORDS]
    asking = opens_as_question(toks) or any(t in QUESTION_WORDS for t in toks)
    return 0 < len(content) <= _HEADING_WORDS and not asking


def _narrowed(pieces: list[Piece]) -> bool:
    return any(p.kind == "narrowed" for p in pieces) and not any(p.answered for p in pieces)


def _points_at_it(term: Narrowing, words: list[str]) -> bool:
    """ "2035 - what's that date tied to?": the term, after a pointer, is the figure named."""
    first = tokens(term.words)[:1]
    at = words.index(first[0]) if first and first[0] in words else 0
    return at > 0 and words[at - 1] in POINTERS


def _stands_in(clause: str) -> bool:
    """A part that names what came before by a pronoun or pointer ("he", "bei denen")."""
    toks = tokens(clause)
    return bool(STAND_INS.intersection(toks) or POINTERS.intersection(toks))


def _asks_it_again(part: str) -> bool:
    """ "Wie viel Prozent sind das bei den KMUs?", "what share is that for SMEs?": the thing
    asked is pointed at as the subject ("sind das", "is that"), the question before's."""
    toks = tokens(part)
    return any(a in COPULAS and b in POINTED_AT for a, b in pairwise(toks))


def _numbered_as_questions(text: str) -> str:
    """ "Three bullets: (1) SME share, (2) revenue from HK" → "Three bullets: SME share?
    revenue from HK?": each numbered item asked on its own, the lead-in kept with the first."""
    if not _NUMBERED.search(text):
        return text
    ended = ":?!."  # after a lead-in's colon or a question's own end, the marker goes

    def mark(m: re.Match[str]) -> str:
        return " " if m.start() == 0 or text[m.start() - 1] in ended else "? "

    marked = _NUMBERED.sub(mark, text).strip()
    return marked if marked.endswith(("?", "!", ".")) else f"{marked}?"


def _points_back(part: str) -> bool:
    """A question that asks about things named before by a pronoun or "each" ("(1) size of
    RAISe+ (2) size of the AI Subsidy Scheme (3) launch year of each")."""
    toks = tokens(part)
    return bool(STAND_INS.intersection(toks)) or has_cue(toks, "each")


def _relative(clause: str) -> bool:
    """A relative or conditional clause ("…, die international expandieren wollen", "…, if it
    doubled") belongs to the question before it."""
    toks = tokens(clause)
    return bool(toks) and toks[0] in _RELATIVE_OPENERS


_CHOICE_WORDS = frozenset("or oder vs versus than als".split())
_BETWEEN_WORDS = frozenset("between zwischen".split())


_FIGURE_ONLY = frozenset({"@number", "@statistic", "@percent"})


def _only_a_figure_asked(res: Resolution) -> bool:
    """ "yo what's the 44% number in there": a question word, a figure and no topic but the
    figure itself asks what the figure is."""
    a = res.analysis
    topic = {f for f in a.features if not f.startswith("#")} - _FIGURE_ONLY
    return bool(a.numbers) and not topic and any(t in QUESTION_WORDS for t in res.words)


def _offers_alternatives(res: Resolution) -> bool:
    """ "Which is bigger, A or B?", "Between A and B, which is higher?": a comparison cue,
    and two things to choose between."""
    toks = res.words
    return has_cue(toks, "compare") and (any(t in _CHOICE_WORDS for t in toks) or _between(toks))


def _between(toks: tuple[str, ...] | list[str]) -> bool:
    """ "between A and B", "zwischen A und B": an "and" that sets two things side by side."""
    return bool(_BETWEEN_WORDS.intersection(toks)) and bool({"and", "und"}.intersection(toks))


def _split_lead_in(clause: str) -> tuple[str, str] | None:
    """A lead-in that asks nothing and the question after its colon, if a part is that."""
    head, sep, tail = clause.partition(": ")
    return (head, tail) if sep and not asks(head) and asks(tail) else None


def _for_the_asker(clause: str) -> bool:
    """A lead-in saying whom or what the answer is for ("For our Singapore readers", "für
    meine Folie"): a preposition, then the asker's own."""
    toks = tokens(clause)
    return len(toks) > 1 and toks[0] in _FOR_WORDS and toks[1] in ASKER_POSSESSIVES


_FOR_WORDS = frozenset({"for", "fur", "fuer"})  # folded: "für" is "fur"


def _asks_quantity(clauses: list[str]) -> bool:
    """Whether a clause that asks, asks how many or how much ("what share …", "wie viele …")."""
    return any(asks(c) and "quantity" in question_types(tokens(c)) for c in clauses)


def _asks_a_measure(clause: str) -> bool:
    """ "HPC support need % and how many on cloud?": a measure with no figure before it asks
    for that figure; "Of the 41 %, how many …" names one, the base of the next part."""
    toks = tokens(clause)
    return any(t in COUNT_UNITS and not (n and is_number(toks[n - 1])) for n, t in enumerate(toks))


class _Part(NamedTuple):
    """A stretch of a question between separators, and what came before it."""

    text: str
    hard: bool  # a "?" or ";": a new part begins
    conjoined: bool  # an "and" that joins no name's words
    symbol: bool  # an "&" or "+"
    joiner: str = ""  # the word that joined it to the part before ("und"), if any


def _parts(question: str, names: frozenset[tuple[str, str]]) -> list[_Part]:
    """The stretches of `question` between clause separators (a part keeps its "?")."""
    parts: list[_Part] = []
    start, hard, conjoined, symbol, joiner = 0, True, False, False, ""
    for sep in _CLAUSE.finditer(question):
        asked = "?" if "?" in sep.group() else ""
        text = question[start : sep.start()] + asked
        parts.append(_Part(text, hard, conjoined, symbol, joiner))
        word = sep.group().strip().lower()
        joiner = sep.group().strip() if word.isalpha() else ""
        hard = bool({"?", ";"} & set(word))
        conjoined = word in ("and", "und", "n") and (
            _words_around(question, sep.start(), sep.end()) not in names
        )
        symbol = word in ("&", "+")
        start = sep.end()
    parts.append(_Part(question[start:], hard, conjoined, symbol, joiner))
    return [part for part in parts if part.text.strip(" ?")]


_T = TypeVar("_T")


class _Cut:
    """Whether the message being answered had more parts than are answered."""

    parts = False


# The message `answer` works on: each thread answers one at a time (`_first_parts`).
_CUT: ContextVar[_Cut | None] = ContextVar("qabot_parts_cut", default=None)


def _clauses(question: str, names: frozenset[tuple[str, str]] = frozenset()) -> list[str]:
    """The parts of a question. After a "?" or ";" a new part begins; after "," or "and"
    only one that opens as a question ("…, and how many …"): "kleinen und mittleren
    Unternehmen" is one group. A part of one or two words ("… Science and Technology
    Parks", "ok real talk,") is not a question of its own and stays with its neighbour.
    Two topics asked about ("what does it say about computing needs and the planned data
    centre?") are two parts, each with the words that ask about it; not the two words
    around an "and" of a name (`names`: ("science", "technology")). Keywords listed, none
    put as a question ("share using AI, share wanting to expand"), or joined by "&" or "+"
    ("RAISe+ budget & SenseTime founding year?") are each a part.
    """
    parts = _lead_ins_joined(_parts(_ASIDE.sub(r" \1", question), names))
    listed = not any(asks(part.text) for part in parts)
    merged: list[str] = []
    for text, hard, conjoined, symbol, joiner in parts:
        keyword = bool(
            (listed or symbol) and merged and min(len(text.split()), len(merged[-1].split())) >= 2
        )
        joined = not hard and not keyword and not asks(text.rstrip("?"))
        joined = joined or bool(not hard and merged and _verb_of_the_question(merged[-1], text))
        head = _asked_about(merged[-1]) if merged and joined and conjoined else None
        if head and len(text.split()) <= TOPIC_WORDS:
            merged.append(f"{head} {text}")
        elif keyword:
            merged.append(text)
        elif merged and (joined or len(text.split()) < 3 or _short_part(merged[-1])):
            # with the word that joined them: "kleinen und mittleren Unternehmen" is a group
            merged[-1] = " ".join(filter(None, (merged[-1], joiner, text)))
        else:
            merged.append(text)
    return merged


def _short_part(text: str) -> bool:
    """A part of one or two words ("ok real talk,"), no question of its own; but a topic and
    what is asked of it ("SenseTime: Gründungsjahr und wer ist CFO?") is one."""
    return len(text.split()) < 3 and ":" not in text.strip(" :")


def _lead_ins_joined(parts: list[_Part]) -> list[_Part]:
    """ "Gibt es Zahlen, wie viele Fertigungsunternehmen …?", "Any data on this: how
    many …": a part that only asks whether there are figures leads into the next one."""
    out: list[_Part] = []
    for part in parts:
        if out and _lead_in(out[-1].text):
            head = out.pop()
            text = " ".join(filter(None, (head.text, part.joiner, part.text)))
            part = part._replace(text=text, hard=head.hard, joiner=head.joiner)
        out.append(part)
    return out


def _lead_in(text: str) -> bool:
    """Whether there are figures, asked without a question word ("Gibt es Zahlen", "any data",
    "gibt's ne zahl": a word of two letters is an article or a particle in chat; "die 55
    Prozent" names a figure)."""
    toks = tokens(text)
    return (
        bool(_FIGURE_LIST_WORDS.intersection(toks))
        and not any(t in QUESTION_WORDS or is_number(t) for t in toks)
        and all(
            len(t) <= 2 or t in STOPWORDS or t in SOURCE_WORDS or t in _FIGURE_LIST_WORDS
            for t in toks
        )
    )


def _verb_of_the_question(before: str, text: str) -> bool:
    """ "What compute capacity, in petaflops, is the centre to deliver?": a part opening with
    the verb of a question word's part that has none is the rest of that question."""
    first, rest = tokens(before), tokens(text)
    return bool(
        first
        and rest
        and first[0] in CONTENT_QUESTION_WORDS
        and rest[0] in COPULAS
        and not COPULAS.intersection(first)
    )


def _joined_names(kb: KnowledgeBase) -> frozenset[tuple[str, str]]:
    """The words around each "and" in the knowledge's names ("Science and Technology
    Parks": ("science", "technology")): that "and" joins no two topics."""
    pairs = set()
    for concept in kb.concepts:
        for term in concept.terms:
            toks = tokens(term)
            pairs |= {
                (a, c)
                for a, b, c in zip(toks, toks[1:], toks[2:], strict=False)
                if b in ("and", "und")
            }
    return frozenset(pairs)


def _words_around(text: str, start: int, end: int) -> tuple[str, ...]:
    """The word before `start` and the word after `end` in `text`, folded."""
    before = tokens(text[max(0, start - NAME_WINDOW) : start])[-1:]
    return (*before, *tokens(text[end : end + NAME_WINDOW])[:1])


def _asked_about(part: str) -> str | None:
    """The words of `part` up to a topic it asks about ("What does the article say about"
    of "… about computing needs"), when the topic is a few words at its end."""
    words = part.split()
    for n in range(len(words) - 1, max(len(words) - 1 - TOPIC_WORDS, 0), -1):
        if tuple(tokens(words[n - 1])) in TOPIC_PREPOSITIONS and asks(" ".join(words[:n])):
            return " ".join(words[:n])
    return None


def _sides(question: str, splitter: re.Pattern[str]) -> list[str]:
    """The things a comparison chooses between. "Which scheme is bigger, A or B?": a head
    before a comma names neither. "more firms expanding or more using or planning AI?": a
    word or two after "or" belongs to the side before it ("using or planning AI")."""
    spans: list[list[int]] = []  # [start, end] of each side in the question
    by_choice: list[bool] = []  # whether a choice word ("or", "than") came before the side
    start, choice = 0, False
    for sep in [*splitter.finditer(question), None]:
        end = sep.start() if sep else len(question)
        text = question[start:end]
        if text.strip(" ?"):
            spans.append([start, end])
            by_choice.append(choice)
        if sep is None:
            break
        choice = bool(_CHOICE_WORDS & set(tokens(sep.group())))
        start = sep.end()
    if len(spans) > 2:
        for n in range(len(spans) - 1, 0, -1):
            if by_choice[n] and by_choice[n - 1] and len(question[slice(*spans[n])].split()) <= 2:
                spans[n - 1][1] = spans[n][1]  # "using or planning AI": one side
                del spans[n], by_choice[n]
    sides = [question[a:b] for a, b in spans]
    if len(sides) > 2 and not by_choice[1] and has_cue(tokens(sides[0]), "compare"):
        sides = sides[1:]
    return sides


def _figures_of(*values: str) -> frozenset[str]:
    """The numbers a fact's value states ("über 200" → 200)."""
    return frozenset(t for value in values for t in tokens(value) if is_number(t))


def _approximate(kb: KnowledgeBase) -> frozenset[str]:
    """The intents with a figure the article states only roughly ("über 200", "fast alle"),
    or a date (a year, a month: "the exact date" asks for a day): "the exact number" asks
    them more than they say."""
    rough = set()
    for fact in kb.facts:
        for value in (fact.value.de, fact.value.en):
            toks = tuple(tokens(value))
            dated = any(g.year for g in figures(value))
            if dated or any(toks[i : i + len(h)] == h for h in HEDGES for i in range(len(toks))):
                rough.add(fact.id)
    return frozenset(i.id for i in kb.intents if rough.intersection(i.facts))


def _figure_kinds(kb: KnowledgeBase) -> dict[str, frozenset[str]]:
    """Per intent, what its key figures are: years, amounts of money, percentages, counts."""
    by_fact = {f.id: frozenset(figure_kind(g) for g in figures(f.value.en)) for f in kb.facts}
    return {i.id: frozenset().union(*(by_fact.get(f, ()) for f in i.facts)) for i in kb.intents}
