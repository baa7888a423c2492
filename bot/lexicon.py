"""Language resources of the resolver: stop words, question-type cues, number words.

These describe German and English, not the article: the article's own
vocabulary and synonyms live in knowledge/concepts.yaml. All entries are
folded as bot.text.fold() folds (lowercase, no umlauts, ß → ss).
"""

from __future__ import annotations

# Function words that carry no topic. Question words are listed here too: they
# are read as question types (below) before stop words are dropped.
STOPWORDS_DE = frozenset(
    """
    der die das den dem des ein eine einer eines einem einen und oder aber doch
    ist sind war waren wird werden wurde wurden worden sein seine seiner seinem
    seinen ihr ihre ihrem ihren ihrer es er sie wir ich du man mich mir dich dir
    uns euch hat haben hatte hatten habe hast gibt gab geben im in am an auf aus
    bei mit nach von vom zu zum zur fur uber unter vor als auch nur noch schon
    so wie was wer wen wem wann wo warum wieso weshalb wozu welche welcher welches
    welchem welchen nicht kein keine denn dass ob da dort hier dies diese dieser
    dieses diesem diesen jener soll sollen sollte kann konnen konnte mochte muss
    mussen laut gemass bitte mal eigentlich uberhaupt eigentlich ja nein gerade
    denn etwa eben halt sag sage sagen weisst kurze frage ey na also genau sehr
    viel viele wieviel wieviele hoch gross lange bis seit um etc jeweils beiden
    beide artikel artikels text sich bereits jetzt heute nun dann wenn weil immer
    mehr meisten etwas alle allen alles jede jeder jedes ganz ganze wirklich
    worauf woran womit wofur wovon woher meint meinst meinen denkt findet
    neben zwischen ohne gegen durch wegen trotz wahrend innerhalb ausser uberall
    damit dabei dafur dazu davon darauf daran darin eigentlich ungefahr
    """.split()
)
STOPWORDS_EN = frozenset(
    """
    the a an and or but is are was were be been being has have had do does did
    of in on at to for from by with about as into than then that this these those
    it its it's he she they we i you me my your his her their our them him us
    what who whom whose when where why which how there here not no yes can could
    would should will shall may might must just so very any some all also only
    still even really actually pls please ok okay yo hey tbh btw like kinda sorta
    get got s t re ve ll d m anyway said say says tell me know idea
    whats whos whens wheres hows
    much many per according article text supposed both now today then if because always
    more most something every each whole those such own other another being
    besides apart between without against through during within except among
    thereby therefore about around roughly approximately
    """.split()
)
STOPWORDS = STOPWORDS_DE | STOPWORDS_EN

# Words that mark a language without being topic words.
LANG_HINTS = {
    "de": STOPWORDS_DE - STOPWORDS_EN,
    "en": STOPWORDS_EN - STOPWORDS_DE,
}

# Question types: what kind of thing the asker wants. Cues are folded token
# sequences; a question may carry several types.
QUESTION_CUES: dict[str, tuple[tuple[str, ...], ...]] = {
    "person": (("wer",), ("who",), ("whos",), ("whom",), ("welche", "person"), ("which", "person")),
    "time": (
        ("wann",),
        ("when",),
        ("whens",),
        ("what", "year"),
        ("which", "year"),
        ("welchem", "jahr"),
        ("welches", "jahr"),
        ("datum",),
        ("date",),
        ("zeitpunkt",),
        ("how", "long", "ago"),
    ),
    "place": (
        ("wo",),
        ("where",),
        ("wheres",),
        ("wohin",),
        ("which", "city"),
        ("welcher", "stadt"),
    ),
    "reason": (
        ("warum",),
        ("wieso",),
        ("weshalb",),
        ("why",),
        ("how", "come"),
        ("wozu",),
        ("wofur",),
        ("what", "for"),
        ("supposed", "to"),
        ("meant", "to"),
        ("purpose",),
        ("zweck",),
    ),
    "quantity": (
        ("wie", "viel"),
        ("wie", "viele"),
        ("wieviel",),
        ("wieviele",),
        ("wie", "hoch"),
        ("wie", "gross"),
        ("how", "many"),
        ("how", "much"),
        ("how", "big"),
        ("how", "large"),
        ("what", "percentage"),
        ("what", "share"),
        ("what", "proportion"),
        ("welcher", "anteil"),
    ),
}

# Spelled-out numbers that stand for a figure (not "two places", "drei Viertel").
NUMBER_WORDS = {
    "neun": "9",
    "nine": "9",
    "zehn": "10",
    "ten": "10",
    "hundert": "100",
    "hundred": "100",
}

# Filler words of chat that say nothing about the topic.
FILLER = frozenset("guy typ dude ding thing stuff leute folks real talk sounds".split())

# Words that open a question, and their language.
_QUESTION_WORDS_DE = "wer wen wem was wann wo warum wieso weshalb wozu wie welche welcher welches"
_QUESTION_WORDS_EN = "who whom what when where why which how whats whos whens wheres hows"
QUESTION_WORDS = {
    **dict.fromkeys(_QUESTION_WORDS_DE.split(), "de"),
    **dict.fromkeys(_QUESTION_WORDS_EN.split(), "en"),
}
