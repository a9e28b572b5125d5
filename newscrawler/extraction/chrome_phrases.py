"""The phrase data of the plain-text chrome rules: what sites print around articles.

Kept apart from the rules that use it (:mod:`.classify`) so the rules read
as rules; ad-slot labels and byline words are shared with the HTML
extractor and live in :mod:`newscrawler.text.chrome`. Every list covers the
languages news is commonly published in; a phrase only counts when it makes
up (nearly) the whole line, never as a word inside a sentence.
"""

from __future__ import annotations

import re

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
    "compartilhe",
    "deixe um comentário",
    "fonte",
    "leggi anche",
    "condividi",
    "commenti",
    "lascia un commento",
    "iscriviti",
    "riproduzione riservata",
    # Dutch / Polish / Turkish
    "lees ook",
    "lees meer",
    "delen",
    "reacties",
    "czytaj także",
    "czytaj więcej",
    "udostępnij",
    "komentarze",
    "źródło",
    "ayrıca okuyun",
    "devamını oku",
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
    "شارك",
    "تعليقات",
    "المصدر",
    "مطالب مرتبط",
    # Chinese / Japanese / Korean
    "相关阅读",
    "相关新闻",
    "分享",
    "评论",
    "来源",
    "责任编辑",
    "关联记事",
    "関連記事",
    "関連ニュース",
    "いいね",
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
    r"подпис|все права защищены|"
    # paywall and log-in prompts after the body, short or one long sentence
    r"(?:continue|keep) reading|already (?:a subscriber|subscribed|have an account|registered)|"
    r"(?:bereits|schon) (?:abonnent|registriert)|weiterlesen|jetzt (?:abonnieren|weiterlesen)|"
    r"déjà abonné|lire la suite|(?:ya )?eres suscriptor|seguir leyendo|sigue leyendo|"
    r"sei già abbonato|continua(?:re)? a leggere|já é assinante|continu(?:ar|e) lendo|"
    r"al abonnee|lees verder|уже подписан|продолжить чтение|zaten abone|okumaya devam|"
    # the rest of the article is for subscribers ("La suite est réservée aux abonnés")
    r"réservée? aux abonnés|reserved (?:for|to) (?:subscribers|members)|"
    r"(?:nur|exklusiv) für abonnent|exclusiv[oa] para (?:suscriptores|assinantes)|"
    r"riservat[oa] agli abbonati|alleen voor abonnees|только для подписчиков|"
    r"il vous reste \d+(?:[.,]\d+)?\s*% de cet article)",
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
