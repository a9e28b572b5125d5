"""Telling article paragraphs from site chrome, in any language, by general signals.

A news text arrives wrapped in what the site puts around every article:
menus, search boxes, breadcrumbs, time-ago lines, like/share counters,
comment prompts, cookie and newsletter notices, "read more" teasers,
copyright and agency lines, trailers such as "Source link". None of these
rules lists the words of particular documents; they read the *shape* of a
line:

* prose: enough words, sentence punctuation, a normal share of the
  language's function words (stop-word lists of ~100 languages ship with
  jusText, a trafilatura dependency);
* chrome: no letters (counters), short lines with numbers (time-ago,
  dates, counts), separator-joined fragments (menus, breadcrumbs),
  copyright/credit lines, URLs, short lines that are a known chrome phrase
  in one of several languages, and lines that recur across the documents
  of one crawl (a site repeats its chrome on every page);
* position: the body is the run of lines with the best prose score
  (a maximum-sum segment), so chrome before and after it goes, and a
  title is the title-shaped line just before it.

A body sentence that merely contains a chrome phrase stays: phrases only
count when they make up (nearly) the whole line, or for the sentence-long
notices (cookies, newsletters, "first appeared in") when the line sits
outside the body.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import justext

from newscrawler.extraction.repeats import paragraph_key
from newscrawler.language.codes import to_iso639_1
from newscrawler.language.identify import shared_model

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
LETTER = re.compile(r"[^\W\d_]")
DIGIT = re.compile(r"\d")
UNSPACED_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
SENTENCE_END = re.compile(r"[.!?。！？؟।…](?:[\"'”’»」』)\]]*)$")
SENTENCE_INSIDE = re.compile(r"[.!?。！？؟।][\"'”’»」』)\]]*\s+\S")
SEPARATOR = re.compile(r"\s[|•·»›/>\-–—]\s|\s?[|•·»›]\s?")
NUMBER_GROUP = re.compile(r"\d+(?:[.,:/]\d+)*")
COUNT_MAX_WORDS = 3
# A number and a unit of time, in the languages news sites are commonly written in.
TIME_AGO = re.compile(
    r"\d+\s*(?:(?:sec\w*|min\w*|hours?|hrs?|h|days?|weeks?|months?|years?|std\.?|stunden?|"
    r"tag\w*|wochen?|monat\w*|jahr\w*|heures?|jours?|semaines?|mois|ans?|horas?|d[ií]as?|"
    r"semanas?|mes(?:es)?|años?|anos?|ore|giorni|settimane|mesi|anni|jam|hari|menit|detik|"
    r"bulan|tahun|minggu|час\w*|мин\w*|дн\w*|дня|недел\w*|месяц\w*|год\w*|лет|saat|"
    r"dakika|gün|hafta|ay|yıl|godz\w*|dni|tygodni\w*|giờ|phút|ngày|tuần|tháng|năm|uur|"
    r"dagen|ساعات|ساعة|دقائق|دقيقة|أيام|يوم)\b\.?|"
    r"(?:分钟|小时|天|周|个月|年|分|時間|日|週間|ヶ月|시간|분|일|주|개월|년)(?:前|ago|전))",
    re.IGNORECASE,
)
LIST_ITEM = re.compile(r"^\d{1,3}[.)]\s+\S")  # "3. Sunny Los Angeles": a numbered subheading
URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$|^\S+@\S+\.\w+$", re.IGNORECASE)
COPYRIGHT = re.compile(
    r"^(?:©|ⓒ|\(c\)|copyright\b\s*(?:©|\(c\))?|\u00a9)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*[,.:]?\s*"
    r"(?P<holder>.*?)\s*(?:[,.]?\s*(?:all rights reserved|alle rechte vorbehalten|"
    r"tous droits réservés|todos los derechos reservados|todos os direitos reservados|"
    r"tutti i diritti riservati|alle rechten voorbehouden|wszelkie prawa zastrzeżone|"
    r"tüm hakları saklıdır|все права защищены|hak cipta dilindungi).*)?$",
    re.IGNORECASE,
)
SOURCE_LINE = re.compile(
    r"^(?:source|quelle|sumber|fuente|fonte|źródło|kaynak|источник|bron|المصدر|来源|出典|"
    r"nguồn|출처|kilde|källa|lähde|zdroj|forrás|πηγή|מקור|स्रोत)"
    r"\s*[:：]\s*(?P<holder>[^.]{2,60})$",
    re.IGNORECASE,
)

# "By Jane Doe", "Von Anna Müller | 4 Min.", "di Marco Rossi", "Penulis: Rina": a short
# line naming the writer, not article text. Names are capitalised words (or any
# word in scripts without case); the line must be short to count.
BYLINE = re.compile(
    r"^(?:by|von|par|por|di|da|door|przez|av|af|oleh|penulis|reporter|editor|yazan|"
    r"автор|от|بقلم|作者|記者|文|기자)\b\s*[:：]?\s*"
    r"(?:(?:[^\W\d_][\w.'’-]*)\s*){1,4}(?:$|[|·,;/–—-])",
    re.IGNORECASE,
)
BYLINE_MAX_WORDS = 10
# Where a credit's source name stops: a list separator, a wide gap, the next
# "Label:" or a trailing year ("© Reuters 2024", "来源：新华社　作者：王明").
CREDIT_TAIL = re.compile(r"\s*(?:[,;|/]|\s{2,}|\u3000|\s+\S+[:：]|\s+\d{4}\b).*$")

# Lines that ARE chrome when the phrase makes up the line (or starts a short line).
CHROME_PHRASES = (
    # English
    "source link",
    "source",
    "leave a reply",
    "leave a comment",
    "post a comment",
    "comments",
    "comment",
    "share",
    "share this",
    "share this article",
    "share on facebook",
    "tweet",
    "read more",
    "read also",
    "see also",
    "related",
    "related articles",
    "related stories",
    "more stories",
    "advertisement",
    "sponsored",
    "subscribe",
    "sign up",
    "log in",
    "login",
    "register",
    "follow us",
    "click here",
    "print",
    "email",
    "next article",
    "previous article",
    "back to top",
    "most read",
    "trending",
    "you may also like",
    "recommended",
    "cancel reply",
    "be the first to comment",
    "be the first to like",
    "tags",
    "topics",
    "search",
    "menu",
    "home",
    "photo",
    "video",
    # German
    "quelle",
    "mehr zum thema",
    "lesen sie auch",
    "auch interessant",
    "anzeige",
    "werbung",
    "teilen",
    "kommentare",
    "kommentar schreiben",
    "drucken",
    "newsletter abonnieren",
    "zur startseite",
    "weitere artikel",
    "suche",
    # French
    "lire aussi",
    "lire la suite",
    "à lire aussi",
    "publicité",
    "partager",
    "commentaires",
    "laisser un commentaire",
    "abonnez-vous",
    "voir aussi",
    "sur le même sujet",
    "rechercher",
    # Spanish / Portuguese / Italian
    "leer más",
    "lee también",
    "publicidad",
    "te puede interesar",
    "también te puede interesar",
    "noticias relacionadas",
    "compartir",
    "comentarios",
    "deja un comentario",
    "suscríbete",
    "fuente",
    "leia mais",
    "leia também",
    "publicidade",
    "compartilhe",
    "deixe um comentário",
    "fonte",
    "leggi anche",
    "pubblicità",
    "condividi",
    "commenti",
    "lascia un commento",
    "iscriviti",
    "riproduzione riservata",
    # Dutch / Polish / Turkish
    "lees ook",
    "lees meer",
    "advertentie",
    "delen",
    "reacties",
    "czytaj także",
    "czytaj więcej",
    "reklama",
    "udostępnij",
    "komentarze",
    "źródło",
    "ayrıca okuyun",
    "devamını oku",
    "reklam",
    "paylaş",
    "yorumlar",
    "yorum yap",
    "kaynak",
    "ilgili haberler",
    "benzer haberler",
    "etiketler",
    "giriş yap",
    # Indonesian / Malay
    "baca juga",
    "baca selengkapnya",
    "berita terkait",
    "iklan",
    "bagikan",
    "komentar",
    "tinggalkan balasan",
    "tulis komentar",
    "sumber",
    "cari",
    "cari berita",
    # Russian / Ukrainian
    "читайте также",
    "читать далее",
    "реклама",
    "поделиться",
    "комментарии",
    "похожие новости",
    "поиск по сайту",
    "источник",
    "читайте також",
    "поділитися",
    "джерело",
    # Arabic / Persian
    "اقرأ أيضا",
    "اقرأ أيضاً",
    "إعلان",
    "شارك",
    "تعليقات",
    "المصدر",
    "مطالب مرتبط",
    # Chinese / Japanese / Korean
    "相关阅读",
    "相关新闻",
    "广告",
    "分享",
    "评论",
    "来源",
    "责任编辑",
    "关联记事",
    "関連記事",
    "関連ニュース",
    "いいね",
    "広告",
    "シェア",
    "コメント",
    "出典",
    "관련기사",
    "광고",
    "공유",
    "댓글",
)
# Sentence-long notices a site puts on every page; chrome when outside the body.
NOTICE_PATTERNS = re.compile(
    r"\b(?:(?:use|uses|accept|allow|enable|utilis\w*|verwend\w*|nutz\w*|utiliz\w*|usamos|"
    r"menggunakan|использу\w*|kullan\w*)\W+(?:\w+\W+){0,2}cookies?|"
    r"cookie[- ]?(?:policy|settings|consent|richtlinie|hinweis)|"
    r"newsletter|javascript|paywall|subscriber|subscription|"
    r"first (?:appeared|published) (?:in|on)|originally (?:appeared|published)|"
    r"pubblicat\w* (?:originariamente|per la prima volta)|publicad\w* originalmente|"
    r"publié\w* (?:initialement|à l'origine|originellement)|zuerst (?:erschienen|veröffentlicht)|"
    r"pertama kali (?:dimuat|diterbitkan|terbit)|впервые опубликован\w*|ilk olarak|"
    r"(?:follow|join|gabung|ikuti|simak|folg\w*|suivez|rejoignez|s[ií]gu\w*|seguici|"
    r"подпис\w*|takip)\W+(?:\w+\W+){0,5}(?:whatsapp|telegram|google news|facebook|"
    r"twitter|instagram|youtube|tiktok|threads|linkedin)|"
    r"all rights reserved|sign up|log in to|terms of (?:use|service)|privacy policy|"
    r"datenschutz|abonnieren|alle rechte vorbehalten|erschien zuerst|"
    r"tous droits réservés|abonnez|inscrivez|"
    r"derechos reservados|suscr[ií]b|"
    r"berlangganan|hak cipta|"
    r"подпис|все права защищены)",
    re.IGNORECASE,
)
TEASER_PREFIX = re.compile(
    r"^(?:read more|read also|see also|related|more|watch|listen|also read|"
    r"lesen sie (?:auch|mehr)|mehr|lire aussi|voir aussi|leer más|lee también|"
    r"leia (?:mais|também)|leggi anche|lees ook|czytaj (?:także|więcej)|baca juga|"
    r"читайте также|اقرأ أيضا|相关阅读|関連記事)\s*[:：»›>\-–—]",
    re.IGNORECASE,
)

# Paywall and "continue reading" prompts. Anchored at the start of the line so
# that "she would continue reading the report" stays; scripts without spaces
# use phrases that only a prompt would contain.
PAYWALL_PROMPT = re.compile(
    r"^(?:(?:to\s+)?(?:continue|keep)\s+reading\b|subscribe to (?:continue|read)|"
    r"(?:para\s+)?(?:seguir|continuar)\s+(?:leyendo|lendo)\b|"
    r"pour (?:lire la suite|continuer à lire)|"
    r"um weiterzulesen|weiterlesen mit|per continuare a leggere|"
    r"чтобы (?:прочитать|читать|продолжить)|devamını okumak|untuk membaca selengkapnya)|"
    r"続きを読む|会員限定|有料会員|阅读全文|付费",
    re.IGNORECASE,
)
PAYWALL_MAX_WORDS = 25

ISO_TO_JUSTEXT = {
    "af": "Afrikaans", "sq": "Albanian", "ar": "Arabic", "hy": "Armenian", "az": "Azerbaijani",
    "eu": "Basque", "be": "Belarusian", "bn": "Bengali", "bs": "Bosnian", "br": "Breton",
    "bg": "Bulgarian", "ca": "Catalan", "hr": "Croatian", "cs": "Czech", "da": "Danish",
    "nl": "Dutch", "en": "English", "eo": "Esperanto", "et": "Estonian", "fi": "Finnish",
    "fr": "French", "gl": "Galician", "ka": "Georgian", "de": "German", "el": "Greek",
    "gu": "Gujarati", "ht": "Haitian", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian",
    "is": "Icelandic", "id": "Indonesian", "ga": "Irish", "it": "Italian", "jv": "Javanese",
    "kn": "Kannada", "kk": "Kazakh", "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz",
    "la": "Latin", "lv": "Latvian", "lt": "Lithuanian", "lb": "Luxembourgish",
    "mk": "Macedonian", "ms": "Malay", "ml": "Malayalam", "mt": "Maltese", "mr": "Marathi",
    "ne": "Nepali", "nb": "Norwegian_Bokmal", "no": "Norwegian_Bokmal",
    "nn": "Norwegian_Nynorsk", "oc": "Occitan", "fa": "Persian", "pl": "Polish",
    "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian", "ru": "Russian", "sr": "Serbian",
    "sk": "Slovak", "sl": "Slovenian", "es": "Spanish", "su": "Sundanese", "sw": "Swahili",
    "sv": "Swedish", "tl": "Tagalog", "ta": "Tamil", "te": "Telugu", "tr": "Turkish",
    "tk": "Turkmen", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese",
    "cy": "Welsh", "fy": "West_Frisian", "yo": "Yoruba",
}  # fmt: skip

PROSE_MIN_WORDS = 8
LONG_LINE_WORDS = 15
SHORT_LINE_WORDS = 6
TITLE_MAX_WORDS = 30
LABEL_MAX_WORDS = 3
TITLE_MIN_WORDS = 3
TITLE_LOOKBACK = 3
# "Фото: РИА Новости", "Text: Jane Doe": a one-word label and a short name.
LABELLED_CREDIT = re.compile(r"^[^\W\d_]{2,20}\s*[:：]\s*(?:\S+\s*){1,3}$")


class Kind(Enum):
    PROSE = "prose"  # an article paragraph by its shape
    TEXT = "text"  # words, but not prose: titles, subheadings, search tips
    SHORT = "short"  # a few words without sentence punctuation
    CHROME = "chrome"  # unmistakably not article text


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    key: str
    words: float
    kind: Kind
    notice: bool  # a sentence-long site notice (cookies, newsletter...)

    @property
    def title_shaped(self) -> bool:
        return (
            self.kind in (Kind.TEXT, Kind.SHORT)
            and 2 <= self.words <= TITLE_MAX_WORDS
            and not self.text.rstrip().endswith((".", ":", ",", "：", "，", "。"))
        )


@lru_cache(maxsize=64)
def stop_words(language: str) -> frozenset[str]:
    name = ISO_TO_JUSTEXT.get(language)
    if name is None:
        return frozenset()
    return frozenset(word.casefold() for word in justext.get_stoplist(name))


def document_language(text: str) -> str:
    """The main language of ``text``, for its stop-word list (the Language stage's model)."""
    label, _probability = shared_model().classify(text[:5000])
    return to_iso639_1(label) or label


def word_count(text: str) -> float:
    """Words, counting two characters as a word in scripts written without spaces."""
    unspaced = len(UNSPACED_CHAR.findall(text))
    return len(WORD.findall(UNSPACED_CHAR.sub(" ", text))) + unspaced / 2


def stop_share(text: str, stops: frozenset[str]) -> float:
    words = [w.casefold() for w in WORD.findall(text)]
    if not words or not stops:
        return 0.0
    return sum(word in stops for word in words) / len(words)


def phrase_key(text: str) -> str:
    return paragraph_key(text)


CHROME_PHRASE_KEYS = frozenset(phrase_key(p) for p in CHROME_PHRASES)
UNSPACED_PHRASE_KEYS = tuple(k for k in CHROME_PHRASE_KEYS if UNSPACED_CHAR.match(k))
UNSPACED_PREFIX_MAX_WORDS = 4


def is_chrome_phrase(line_key: str, words: float) -> bool:
    """The line is a known chrome phrase, or a short line starting with one."""
    if line_key in CHROME_PHRASE_KEYS:
        return True
    if words <= UNSPACED_PREFIX_MAX_WORDS and any(
        line_key.startswith(p) for p in UNSPACED_PHRASE_KEYS
    ):
        return True  # "シェアする", "分享到": no space marks where the phrase ends
    if words > SHORT_LINE_WORDS + 2:
        return False
    return any(line_key.startswith(p + " ") for p in CHROME_PHRASE_KEYS if " " in p)


def is_menu(text: str, words: float) -> bool:
    """Fragments joined by separators: menus, breadcrumbs, 'SITE | 3 hours ago'."""
    parts = [p for p in SEPARATOR.split(text) if p.strip()]
    if len(parts) < 2:
        return False
    return words <= 12 or max(word_count(p) for p in parts) <= 4


def credit_holder(text: str) -> str | None:
    """The source named by a copyright or 'Source:' line ('© KYODO' gives 'KYODO')."""
    match = COPYRIGHT.match(text.strip()) or SOURCE_LINE.match(text.strip())
    if match is None:
        return None
    holder = CREDIT_TAIL.sub("", match.group("holder").strip()).strip(" .,:;-–—")
    return holder or None


def is_byline(text: str, words: float) -> bool:
    """'By Jane Doe', 'Von Anna Müller | Lesezeit: 4 Min.': the writer's name, not prose.

    A short sentence that starts the same way ('By Tuesday, prices rose.')
    ends in sentence punctuation without a separator, so it is not one.
    """
    if words > BYLINE_MAX_WORDS or BYLINE.match(text) is None:
        return False
    return not SENTENCE_END.search(text) or SEPARATOR.search(text) is not None


def classify(text: str, stops: frozenset[str], *, layout: bool = True) -> Line:
    """Classify one line or paragraph by its shape alone.

    ``layout`` rules (short lines with numbers, separator-joined fragments)
    read plain text, where menus and time-ago lines arrive as lines; an
    HTML extractor has already judged the page's structure, and there the
    same shapes are as often list items and addresses in the article.
    """
    stripped = text.strip()
    key = phrase_key(stripped)
    words = word_count(stripped)
    ends = bool(SENTENCE_END.search(stripped))
    notice = bool(NOTICE_PATTERNS.search(stripped)) and words <= 60
    if _is_chrome(stripped, key, words, ends, layout=layout):
        return Line(stripped, key, words, Kind.CHROME, notice)
    if _is_prose(stripped, words, ends, stops):
        return Line(stripped, key, words, Kind.PROSE, notice)
    kind = Kind.SHORT if words < PROSE_MIN_WORDS else Kind.TEXT
    return Line(stripped, key, words, kind, notice)


def _is_chrome(text: str, key: str, words: float, ends: bool, *, layout: bool) -> bool:
    if not LETTER.search(text):
        return True  # counters, dates, rules, emoji rows
    if URL_ONLY.match(text) or (credit_holder(text) is not None and words <= 12):
        return True
    if TEASER_PREFIX.match(text):
        return True
    if words <= PAYWALL_MAX_WORDS and PAYWALL_PROMPT.search(text):
        return True
    if is_chrome_phrase(key, words):
        return True
    if not layout:
        return False
    if is_byline(text, words):
        return True
    if ends or LIST_ITEM.match(text):
        return False
    if words <= SHORT_LINE_WORDS and DIGIT.search(text) and _is_count_or_time(text, words):
        return True  # time-ago lines, dates, "12 comments"
    return is_menu(text, words)


def _is_count_or_time(text: str, words: float) -> bool:
    """'vor 2 Stunden', '12.03.2024 14:05', '12 comments' — not 'Fed holds rates at 5.5%'."""
    return (
        words <= COUNT_MAX_WORDS
        or len(NUMBER_GROUP.findall(text)) >= 2
        or TIME_AGO.search(text) is not None
    )


def _is_prose(text: str, words: float, ends: bool, stops: frozenset[str]) -> bool:
    if words >= PROSE_MIN_WORDS and ends:
        return True
    if words < LONG_LINE_WORDS:
        return False
    return bool(SENTENCE_INSIDE.search(text)) or stop_share(text, stops) >= 0.2


class RecurringLines:
    """Lines seen in several documents of one crawl: a site's chrome repeats, articles don't.

    Memory is bounded: at most ``capacity`` line keys are remembered, the
    oldest forgotten first. Documents are told apart by a signature of their
    whole text, so that the same article fetched twice does not make its own
    paragraphs look like chrome.
    """

    def __init__(self, min_documents: int = 3, capacity: int = 200_000) -> None:
        self.min_documents = min_documents
        self.capacity = capacity
        self._documents: OrderedDict[int, set[int]] = OrderedDict()

    def observe(self, keys: Iterable[str], document: str) -> None:
        signature = hash(document)
        for key in set(keys):
            line = hash(key)
            seen = self._documents.get(line)
            if seen is None:
                if len(self._documents) >= self.capacity:
                    self._documents.popitem(last=False)
                seen = self._documents[line] = set()
            if len(seen) < self.min_documents:
                seen.add(signature)

    def is_recurring(self, key: str) -> bool:
        seen = self._documents.get(hash(key))
        return seen is not None and len(seen) >= self.min_documents


# Scores of each kind of line for the maximum-sum body segment. A chrome line
# between two paragraphs (an ad label, a teaser) must not cut the body in
# two, so it costs less than a site notice or a line recurring across pages.
NOTICE_SCORE = -3.0
CHROME_SCORE = -1.0
BULLET_SCORE = 0.0
BULLET_MIN_WORDS = 3
BULLET = re.compile(r"^(?:[-–—•*·▪►▸◦]\s+|\d{1,2}[.)]\s+)\S")
SHORT_SCORE = -1.0
TEXT_SCORE = -0.5


def line_score(line: Line, recurring: bool) -> float:
    if recurring or line.notice:
        return NOTICE_SCORE
    if line.kind is Kind.CHROME and credit_holder(line.text) is not None:
        return NOTICE_SCORE  # a credit line closes the article: what follows is trailer
    if line.kind is Kind.CHROME:
        return CHROME_SCORE
    if line.kind is Kind.PROSE:
        return 1.0 + min(line.words, 80.0) / 20.0
    if line.words >= BULLET_MIN_WORDS and BULLET.match(line.text):
        return BULLET_SCORE  # a list inside the article must not cut it in two
    return SHORT_SCORE if line.kind is Kind.SHORT else TEXT_SCORE


def best_segment(scores: Sequence[float]) -> tuple[int, int] | None:
    """Start and end (exclusive) of the maximum-sum run of ``scores``, if positive."""
    best, best_range = 0.0, None
    running, start = 0.0, 0
    for index, score in enumerate(scores):
        if running <= 0:
            running, start = 0.0, index
        running += score
        if running > best:
            best, best_range = running, (start, index + 1)
    return best_range


@dataclass(frozen=True, slots=True)
class Cleaned:
    title: str | None
    paragraphs: list[str]
    credit: str | None


def clean_lines(
    texts: Sequence[str],
    *,
    recurring: RecurringLines | None = None,
    language: str | None = None,
    find_title: bool = True,
) -> Cleaned:
    """Keep the article paragraphs of ``texts`` (one paragraph each), find title and credit."""
    if not texts:
        return Cleaned(None, [], None)
    stops = stop_words(language or document_language("\n".join(texts)))
    lines = [classify(text, stops) for text in texts]
    repeated = _recurring_flags(lines, recurring)
    segment = best_segment(
        [line_score(line, rep) for line, rep in zip(lines, repeated, strict=True)]
    )
    if segment is None:
        return Cleaned(None, [], _credit(lines))
    start, end = segment
    body = [
        line.text
        for line, rep in zip(lines[start:end], repeated[start:end], strict=True)
        if line.kind is not Kind.CHROME and not rep
    ]
    title = _title_before(lines, start) if find_title else None
    return Cleaned(title, body, _credit(lines[:start] + lines[end:]))


def clean_paragraphs(
    paragraphs: list[str], *, recurring: RecurringLines | None = None
) -> list[str]:
    """Conservative clean-up of paragraphs an HTML extractor already chose.

    Only lines that are chrome by their own shape (counters, menus, share
    prompts, teasers, credit lines) or that recur across the crawl are
    removed, plus site notices at either end; other prose paragraphs stay.
    """
    if not paragraphs:
        return []
    stops = stop_words(document_language("\n".join(paragraphs)))
    lines = [classify(text, stops, layout=False) for text in paragraphs]
    repeated = _recurring_flags(lines, recurring)
    kept = [
        line
        for line, rep in zip(lines, repeated, strict=True)
        if line.kind is not Kind.CHROME and not rep
    ]
    while kept and kept[-1].notice:
        kept.pop()
    while kept and kept[0].notice:
        kept.pop(0)
    return [line.text for line in kept]


def _recurring_flags(lines: Sequence[Line], recurring: RecurringLines | None) -> list[bool]:
    """Which lines recur across the crawl; then remember this document's lines."""
    if recurring is None:
        return [False] * len(lines)
    flags = [recurring.is_recurring(line.key) for line in lines]
    prose_words = sum(line.words for line in lines if line.kind is Kind.PROSE)
    recurring_words = sum(
        line.words
        for line, rep in zip(lines, flags, strict=True)
        if rep and line.kind is Kind.PROSE
    )
    if prose_words and recurring_words > prose_words / 2:
        flags = [False] * len(lines)  # most of the body recurs: a copy, not chrome
    recurring.observe((line.key for line in lines), "\n".join(line.key for line in lines))
    return flags


def _title_before(lines: Sequence[Line], start: int) -> str | None:
    """The title-shaped line before the body, skipping chrome in between.

    A nearer two-word line ("News Desk") or a "Photo: Agency" credit is
    passed over for a fuller title-shaped line a little higher up; when there
    is none, the nearest title-shaped line is the title.
    """
    candidates = [
        line
        for line in reversed(lines[:start])
        if not (line.kind is Kind.CHROME or line.notice or _is_label(line))
    ][:TITLE_LOOKBACK]
    if not candidates or not candidates[0].title_shaped:
        return None
    for line in candidates:
        if not line.title_shaped:
            break
        if line.words >= TITLE_MIN_WORDS and not LABELLED_CREDIT.match(line.text):
            return line.text
    return candidates[0].text


def _is_label(line: Line) -> bool:
    """A one- to three-word prompt ending in a colon ('Share:', '分享到：')."""
    return line.words <= LABEL_MAX_WORDS and line.text.rstrip().endswith((":", "："))


def _credit(lines: Iterable[Line]) -> str | None:
    for line in lines:
        holder = credit_holder(line.text)
        if holder:
            return holder
    return None
