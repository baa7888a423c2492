"""Every user-facing sentence of qabot, in German and English, in one place."""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, dict[str, str]] = {
    "help": {
        "de": (
            "Ich beantworte Fragen zum Artikel „Hongkongs Aufstieg: KI-Hotspot löst "
            "internationales Investoreninteresse aus!“ – auf Deutsch oder Englisch, und "
            "belege jede Antwort mit dem Satz aus dem Artikel. Frag z. B. „Wie viele Firmen "
            "haben Probleme bei der Rekrutierung?“. `/stat` zeigt die wichtigsten Zahlen, "
            "`/stat THEMA` eine davon, `/ask FRAGE` stellt eine Frage."
        ),
        "en": (
            "I answer questions about the article “Hongkongs Aufstieg: KI-Hotspot löst "
            "internationales Investoreninteresse aus!” (Hong Kong as an AI hub) – in English "
            "or German – and back every answer with the sentence of the article that states "
            "it. Try “How many firms struggle to recruit?”. `/stat` lists the key statistics, "
            "`/stat TOPIC` shows one, `/ask QUESTION` asks a question."
        ),
    },
    "abstain": {
        "de": "Dazu steht im Artikel leider nichts.",
        "en": "Sorry, the article doesn't say.",
    },
    "narrowed": {
        "de": "Für „{terms}“ nennt der Artikel nichts. Er sagt nur: {answer}",
        "en": "The article gives nothing for “{terms}”. All it says is: {answer}",
    },
    "part_not_given": {
        "de": "Einen Anteil davon nennt der Artikel nicht. Er sagt nur: {answer}",
        "en": "The article gives no part or share of that. All it says is: {answer}",
    },
    "list_not_given": {
        "de": "Einzeln nennt der Artikel sie nicht. Er sagt nur: {answer}",
        "en": "The article does not list them one by one. All it says is: {answer}",
    },
    "who_not_given": {
        "de": "Wer das war, nennt der Artikel nicht. Er sagt nur: {answer}",
        "en": "The article does not say who. All it says is: {answer}",
    },
    "where_not_given": {
        "de": "Wo, nennt der Artikel nicht. Er sagt nur: {answer}",
        "en": "The article does not say where. All it says is: {answer}",
    },
    "premise": {
        "de": "Dazu nennt der Artikel nicht {wrong}, sondern: {answer}",
        "en": "On this the article does not say {wrong} but: {answer}",
    },
    "parts_cut": {
        "de": "Die Nachricht hat mehr als {limit} Teile: beantwortet sind nur die ersten "
        "{limit}. Bitte frag den Rest einzeln.",
        "en": "That message has more than {limit} parts: only the first {limit} are answered. "
        "Please ask the rest on its own.",
    },
    "part_unanswered": {
        "de": "Zu einem Teil der Frage steht im Artikel nichts.",
        "en": "The article doesn't answer one part of the question.",
    },
    "stands_for": {
        "de": "{short} steht im Artikel für „{full}“.",
        "en": "In the article, {short} stands for “{full}”.",
    },
    "named": {
        "de": "Der Artikel nennt:",
        "en": "The article names:",
    },
    "list_intro": {
        "de": "Der Artikel nennt dazu:",
        "en": "The article gives these figures:",
    },
    "compare": {
        "de": "Im Vergleich: {high_label} ({high}) ist mehr als {low_label} ({low}).",
        "en": "Compared: {high_label} ({high}) is more than {low_label} ({low}).",
    },
    "compare_time": {
        "de": "Zuerst: {low_label} ({low}), danach: {high_label} ({high}).",
        "en": "First: {low_label} ({low}), then: {high_label} ({high}).",
    },
    "unreadable": {
        "de": "Diese Nachricht kann ich nicht lesen (ungültige Zeichen). Bitte stell die Frage "
        "noch einmal als Text.",
        "en": "I can't read that message (invalid characters). Please ask again as plain text.",
    },
    "about_what": {
        "de": "Wozu? Stell mir zuerst eine Frage zum Artikel, dann nenne ich dir die Quelle.",
        "en": "About what? Ask me a question about the article first, then I can give the source.",
    },
    "about_what_more": {
        "de": "Wozu? Stell mir zuerst eine Frage zum Artikel, dann erzähle ich dir mehr.",
        "en": "About what? Ask me a question about the article first, then I can tell you more.",
    },
    "about_what_lang": {
        "de": "Was denn? Stell mir zuerst eine Frage zum Artikel, dann antworte ich auf Deutsch.",
        "en": "What should I translate? Ask me a question about the article first, then I "
        "answer in English.",
    },
    "sources": {
        "de": "Die Quelle im Artikel:",
        "en": "The source in the article (in German):",
    },
    "more": {
        "de": "Dazu steht im Artikel außerdem:",
        "en": "The article also says about this (in German):",
    },
    "no_more": {
        "de": "Mehr steht dazu im Artikel nicht.",
        "en": "The article says nothing more about this.",
    },
    "abstain_suggest": {
        "de": "Meintest du vielleicht:",
        "en": "Did you mean:",
    },
    "other_script": {
        "de": "Ich verstehe nur Fragen auf Deutsch oder Englisch – und dazu steht im Artikel "
        "nichts, was ich erkennen kann.",
        "en": "I only understand questions in English or German, and I can't find this in "
        "the article.",
    },
    "bad_conversation_id": {
        "de": "Diese Zeile bleibt unbeantwortet: eine conversation id ist ein Text oder eine "
        "ganze Zahl mit höchstens {digits} Ziffern.",
        "en": "This line is not answered: a conversation id is a string or a whole number of "
        "at most {digits} digits.",
    },
    "too_long": {
        "de": "Die Nachricht ist zu lang ({length} Zeichen; höchstens {limit}). Bitte stell "
        "eine kurze Frage.",
        "en": "That message is too long ({length} characters; at most {limit}). Please ask "
        "a short question.",
    },
    "passage": {
        "de": "Im Artikel heißt es dazu ({locator}): „{quote}“",
        "en": "The article (in German) says about this ({locator}): “{quote}”",
    },
    "rate_limited": {
        "de": "Langsam bitte – zu viele Fragen in kurzer Zeit. Versuch es gleich noch einmal.",
        "en": "Easy there – too many questions in a short time. Please try again shortly.",
    },
    "stat_title": {
        "de": "Die wichtigsten Zahlen des Artikels",
        "en": "Key statistics of the article",
    },
    "stat_unknown": {
        "de": "Zum Thema „{topic}“ habe ich keine Zahl. Nahe Themen: {choices}",
        "en": "I have no statistic on “{topic}”. Close topics: {choices}",
    },
    "stat_topics": {
        "de": "Themen (deutsch oder englisch): {topics}. `qabot stat` zeigt alle Zahlen.",
        "en": "Topics (English or German): {topics}. `qabot stat` shows every statistic.",
    },
    "as_of": {"de": "Stand", "en": "as of"},
    "source": {"de": "Quelle", "en": "Source"},
    "error": {
        "en": "Sorry, something went wrong while answering. Please try again.",
        "de": "Entschuldigung, beim Antworten ist etwas schiefgegangen. Bitte versuch es erneut.",
    },
    "kb_status": {"en": "Knowledge base", "de": "Wissensbasis"},
    "kb_unanswered": {
        "en": "Questions the bot could not answer well",
        "de": "Fragen, die der Bot nicht gut beantworten konnte",
    },
    "kb_unanswered_more": {
        "en": "… and {count} more: `qabot kb unanswered --limit {total}` lists every one.",
        "de": "… und {count} weitere: `qabot kb unanswered --limit {total}` listet alle.",
    },
    "kb_voted_down": {
        "en": "👎 ×{count} on the answer {intents}",
        "de": "👎 ×{count} auf die Antwort {intents}",
    },
    "kb_unanswered_none": {
        "en": "Nothing unanswered: every logged question is answered now.",
        "de": "Nichts offen: jede protokollierte Frage wird jetzt beantwortet.",
    },
    "kb_unanswered_off": {
        "en": "Nothing is logged: the unanswered log is off ([unanswered] enabled = false).",
        "de": "Es wird nichts protokolliert: das Protokoll offener Fragen ist aus "
        "([unanswered] enabled = false).",
    },
    "kb_unanswered_unavailable": {
        "en": "The unanswered log cannot be read now (the shared state is unavailable); "
        "try again shortly.",
        "de": "Das Protokoll offener Fragen ist gerade nicht lesbar (gemeinsamer Speicher "
        "nicht erreichbar); bitte gleich noch einmal versuchen.",
    },
    "kb_reloaded": {"en": "Knowledge reloaded", "de": "Wissen neu geladen"},
    "kb_reload_failed": {
        "en": "Reload failed: the last good knowledge stays in use",
        "de": "Neu laden fehlgeschlagen: das letzte gültige Wissen bleibt aktiv",
    },
    "not_admin": {
        "de": "Nur Admins dürfen `/kb` verwenden.",
        "en": "Only admins may use `/kb`.",
    },
}


def msg(
    key: str, lang: str, *, local: dict[str, dict[str, str]] | None = None, **values: object
) -> str:
    """The message `key` in `lang` (English if unknown), with `values` filled in.

    `local` holds the words only one platform uses; they are looked up first.
    """
    texts = (local or {}).get(key) or MESSAGES[key]
    return texts.get(lang, texts["en"]).format(**values)


def is_help(answer: Any) -> bool:
    """Whether `answer` (a `bot.answer.Answer`) is the help, the reply to a message with no
    question in it (blanks, zero-width characters, emoji): for the asker alone where a
    platform can say so (`/ask` with no question), as a rate-limit notice is."""
    return answer.kind == "refused" and answer.text == msg("help", answer.lang)
