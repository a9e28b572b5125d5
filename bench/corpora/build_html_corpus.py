# ruff: noqa: E501 -- article prose and page markup are kept on whole lines
"""Build the non-English HTML benchmark pages under ``bench/corpora/html/``.

Each page imitates the structure of a real kind of news site in its language
(a big publisher's article template, a WordPress blog, a Japanese portal with
``<br>``-separated paragraphs, a Russian regional site with ``itemprop``
markup, an RTL Arabic site, a Spanish daily with ad slots, a French regional
daily with a paywall teaser after the article, a Chinese portal): navigation,
cookie banners, share bars, inline "read also" teasers, related links,
newsletter boxes, comments and footers around an original article body. The
expected body, title, authors and date go beside each page in ``<name>.json``.

Run ``python -m bench.corpora.build_html_corpus`` to regenerate the files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path

OUT = Path(__file__).resolve().parent / "html"


@dataclass(frozen=True)
class Article:
    name: str
    lang: str
    url: str
    site: str
    title: str
    authors: tuple[str, ...]
    date: str  # ISO 8601 with offset, as the page declares it
    paragraphs: tuple[str, ...]
    nav: tuple[str, ...]
    chrome: dict[str, str]
    related: tuple[str, ...]
    comments: tuple[str, ...]


def _ps(paragraphs: tuple[str, ...]) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def _nav(items: tuple[str, ...]) -> str:
    links = "".join(f'<li><a href="/{i}/">{escape(item)}</a></li>' for i, item in enumerate(items))
    return f'<nav class="main-nav"><ul>{links}</ul></nav>'


def _related(a: Article, css: str) -> str:
    links = "".join(
        f'<li><a href="/story/{i}">{escape(t)}</a></li>' for i, t in enumerate(a.related)
    )
    return f'<aside class="{css}"><h3>{escape(a.chrome["related"])}</h3><ul>{links}</ul></aside>'


def _comments(a: Article) -> str:
    items = "".join(
        f'<li class="comment"><div class="comment-author">user{i}</div>'
        f'<div class="comment-body"><p>{escape(c)}</p></div></li>'
        for i, c in enumerate(a.comments)
    )
    return (
        f'<section id="comments" class="comments-area"><h2>{escape(a.chrome["comments"])}</h2>'
        f'<ol class="comment-list">{items}</ol>'
        f'<form class="comment-form"><textarea></textarea><button>{escape(a.chrome["send"])}</button></form></section>'
    )


def _embed(a: Article) -> str:
    return (
        f'<blockquote class="twitter-tweet"><p lang="{a.lang}">{escape(a.comments[0])}</p>'
        f"&mdash; {escape(a.site)} (@example) "
        f'<a href="https://twitter.com/example/status/1">{a.date[:10]}</a></blockquote>'
    )


def _head(a: Article, json_ld: bool = True) -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "datePublished": a.date,
        "author": [{"@type": "Person", "name": n} for n in a.authors],
        "publisher": {"@type": "Organization", "name": a.site},
    }
    script = f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
    return (
        f'<head><meta charset="utf-8"><title>{escape(a.title)} | {escape(a.site)}</title>'
        f'<meta property="og:title" content="{escape(a.title)}">'
        f'<meta property="og:site_name" content="{escape(a.site)}">'
        f'<meta property="article:published_time" content="{a.date}">'
        f'<link rel="canonical" href="{a.url}">'
        f"{script if json_ld else ''}</head>"
    )


def publisher_layout(a: Article) -> str:
    """A large publisher: header, share bar, inline teaser and newsletter box, cookie banner."""
    half = len(a.paragraphs) // 2
    teaser = f'<p class="read-also"><strong>{escape(a.chrome["read_also"])}</strong> <a href="/x">{escape(a.related[0])}</a></p>'
    newsletter = f'<div class="newsletter-box"><p>{escape(a.chrome["newsletter"])}</p><input type="email"><button>OK</button></div>'
    share = '<div class="share-bar"><a href="#">Facebook</a> <a href="#">X</a> <a href="#">WhatsApp</a> <a href="#">E-Mail</a></div>'
    return (
        f'<!DOCTYPE html><html lang="{a.lang}">{_head(a)}<body>'
        f'<header class="site-header"><a class="logo" href="/">{escape(a.site)}</a>{_nav(a.nav)}</header>'
        f'<main><article class="article"><header><h1>{escape(a.title)}</h1>'
        f'<div class="byline">{escape(a.chrome["by"])} <a href="/autor/1">{escape(", ".join(a.authors))}</a>'
        f' <time datetime="{a.date}">{a.date[:10]}</time></div>{share}</header>'
        f'<div class="article-body">{_ps(a.paragraphs[:half])}{teaser}{_embed(a)}{newsletter}{_ps(a.paragraphs[half:])}</div>'
        f'<div class="author-box"><p>{escape(a.authors[0])}</p><p>{escape(a.chrome["bio"])}</p></div>'
        f"</article>{_related(a, 'related-articles')}{_comments(a)}</main>"
        f'<footer class="site-footer"><p>{escape(a.chrome["footer"])}</p></footer>'
        f'<div id="cookie-banner" class="cookie-consent"><p>{escape(a.chrome["cookie"])}</p><button>{escape(a.chrome["accept"])}</button></div>'
        "</body></html>"
    )


def wordpress_layout(a: Article) -> str:
    """A WordPress blog: entry-content, sidebar widgets, tags, post navigation, comments."""
    return (
        f'<!DOCTYPE html><html lang="{a.lang}">{_head(a, json_ld=False)}<body class="post-template-default single">'
        f'<div id="page" class="site"><header id="masthead">{_nav(a.nav)}</header>'
        f'<div id="content"><div id="primary" class="content-area"><main id="main">'
        f'<article class="post type-post hentry"><header class="entry-header"><h1 class="entry-title">{escape(a.title)}</h1>'
        f'<div class="entry-meta"><span class="byline"><a class="url fn n" rel="author" href="/author/x">{escape(a.authors[0])}</a></span>'
        f' <time class="entry-date published" datetime="{a.date}">{a.date[:10]}</time></div></header>'
        f'<div class="entry-content">{_ps(a.paragraphs)}'
        f'<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">{escape(a.chrome["share"])}</h3>'
        '<ul><li><a class="share-facebook" href="#">Facebook</a></li><li><a class="share-x" href="#">X</a></li></ul></div>'
        f'<div class="sharedaddy sd-like"><h3>{escape(a.chrome["like"])}</h3><span>Loading...</span></div></div>'
        f'<footer class="entry-footer"><span class="tags-links">Tags: <a href="/tag/a" rel="tag">{escape(a.nav[1])}</a></span></footer></article>'
        f'<nav class="post-navigation"><a href="/prev">{escape(a.related[1])}</a> <a href="/next">{escape(a.related[2])}</a></nav>'
        f"{_comments(a)}</main></div>"
        f'<aside id="secondary" class="widget-area">{_related(a, "widget widget_recent_entries")}'
        f'<section class="widget"><p>{escape(a.chrome["newsletter"])}</p></section></aside></div>'
        f'<footer id="colophon"><p>{escape(a.chrome["footer"])}</p></footer></div>'
        f'<div class="cmplz-cookiebanner"><p>{escape(a.chrome["cookie"])}</p></div></body></html>'
    )


def portal_layout(a: Article) -> str:
    """A portal: paragraphs separated by <br><br> in one div, ranking box, ad slots."""
    body = "<br><br>".join(escape(p) for p in a.paragraphs)
    ranking = "".join(f"<li><a href='/r/{i}'>{escape(t)}</a></li>" for i, t in enumerate(a.related))
    return (
        f'<!DOCTYPE html><html lang="{a.lang}">{_head(a)}<body><div id="wrapper">'
        f'<div id="header">{_nav(a.nav)}</div><div id="main"><div class="article">'
        f'<div class="article-header"><h1 class="title">{escape(a.title)}</h1>'
        f'<p class="date">{a.date[:10]}</p><p class="source">{escape(a.site)}</p></div>'
        f'<div class="ad-slot">{escape(a.chrome["ad"])}</div>'
        f'<div class="article-body" itemprop="articleBody">{body}<br><br>'
        f'<p>【{escape(a.chrome["related"])}】</p><ul class="related">{ranking}</ul></div>'
        f'<div class="sns-share"><a href="#">LINE</a><a href="#">X</a><a href="#">Facebook</a></div></div>'
        f'<div class="ranking"><h2>{escape(a.chrome["related"])}</h2><ol>{ranking}</ol></div></div>'
        f'<div id="footer"><p>{escape(a.chrome["footer"])}</p></div></div>'
        f'<div class="consent-layer"><p>{escape(a.chrome["cookie"])}</p></div></body></html>'
    )


def itemprop_layout(a: Article) -> str:
    """A regional site with schema.org microdata, tag list, comments, no JSON-LD."""
    tags = "".join(
        f'<a class="tag" href="/tags/{i}">{escape(t)}</a> ' for i, t in enumerate(a.nav[:3])
    )
    return (
        f'<!DOCTYPE html><html lang="{a.lang}">{_head(a, json_ld=False)}<body>'
        f'<div class="top-menu">{_nav(a.nav)}</div>'
        f'<div class="layout"><div class="col-main" itemscope itemtype="https://schema.org/NewsArticle">'
        f'<h1 itemprop="headline">{escape(a.title)}</h1>'
        f'<div class="meta"><span itemprop="author">{escape(a.authors[0])}</span> '
        f'<time itemprop="datePublished" datetime="{a.date}">{a.date[:10]}</time> '
        f'<span class="views">1 234</span></div>'
        f'<div itemprop="articleBody" class="news-text">{_ps(a.paragraphs)}</div>'
        f'<div class="tags">{tags}</div>'
        f'<div class="subscribe"><p>{escape(a.chrome["newsletter"])}</p></div>'
        f"{_related(a, 'more-news')}{_comments(a)}</div>"
        f'<div class="col-side"><div class="widget-popular">{_related(a, "popular")}</div></div></div>'
        f'<div class="footer"><p>{escape(a.chrome["footer"])}</p></div></body></html>'
    )


def paywall_layout(a: Article) -> str:
    """A daily with a standfirst, figure captions, an ad label and a subscriber prompt after."""
    caption = f'<figure><img src="/i.jpg" alt=""><figcaption>{escape(a.chrome["caption"])}</figcaption></figure>'
    return (
        f'<!DOCTYPE html><html lang="{a.lang}">{_head(a)}<body>'
        f'<div class="privacy-notice"><p>{escape(a.chrome["cookie"])}</p><button>{escape(a.chrome["accept"])}</button></div>'
        f'<header>{_nav(a.nav)}<div class="breadcrumb"><a href="/">{escape(a.site)}</a> &gt; <a href="/s">{escape(a.nav[2])}</a></div></header>'
        f'<article><h1>{escape(a.title)}</h1><p class="author">{escape(a.chrome["by"])} {escape(", ".join(a.authors))}</p>'
        f'{caption}<div class="content">{_ps(a.paragraphs[:2])}'
        f'<div class="ad"><span>{escape(a.chrome["ad"])}</span></div>{_ps(a.paragraphs[2:])}</div></article>'
        f'<div class="paywall-teaser"><p>{escape(a.chrome["newsletter"])}</p></div>'
        f"{_related(a, 'related')}<footer><p>{escape(a.chrome['footer'])}</p></footer></body></html>"
    )


LAYOUTS = {
    "publisher": publisher_layout,
    "wordpress": wordpress_layout,
    "portal": portal_layout,
    "itemprop": itemprop_layout,
    "paywall": paywall_layout,
}


ARTICLES = (
    (
        "publisher",
        Article(
            name="de-stadtwerke",
            lang="de",
            url="https://www.beispiel-zeitung.de/lokales/stadtwerke-fernwaerme-ausbau-123.html",
            site="Beispiel-Zeitung",
            title="Stadtwerke wollen Fernwärmenetz bis 2030 verdoppeln",
            authors=("Katrin Müller", "Jonas Weber"),
            date="2024-03-12T06:30:00+01:00",
            paragraphs=(
                "Die Stadtwerke planen den größten Ausbau ihres Fernwärmenetzes seit den Siebzigerjahren. Bis 2030 sollen rund 18.000 zusätzliche Haushalte angeschlossen werden, kündigte Geschäftsführerin Andrea Lenz am Montagabend im Wirtschaftsausschuss an.",
                "Kern des Vorhabens ist eine Großwärmepumpe am Klärwerk im Norden der Stadt. Sie soll die Wärme des gereinigten Abwassers nutzen und im Winter bis zu 40 Megawatt liefern. Die Kosten für das gesamte Programm beziffern die Stadtwerke auf knapp 310 Millionen Euro.",
                "Für die Anwohner bedeutet der Ausbau zunächst Baustellen. In der Südstadt und im Bahnhofsviertel werden ab Herbst mehrere Straßen abschnittsweise aufgerissen, teilweise über Monate. „Wir wissen, dass das eine Belastung ist“, sagte Lenz. Man wolle die Arbeiten mit dem Austausch alter Wasserleitungen bündeln.",
                "Die Opposition im Stadtrat begrüßte das Ziel, kritisierte aber die Finanzierung. Ein Großteil soll über Kredite laufen, die über die Wärmepreise zurückgezahlt werden. Hauseigentümer müssten wissen, was der Anschluss sie langfristig koste, sagte der Fraktionsvorsitzende der Freien Wähler.",
                "Ob ein Anschluss für einzelne Gebäude infrage kommt, sollen Eigentümer ab Mai in einem Online-Verzeichnis nachsehen können. Die Stadtwerke kündigten außerdem Informationsabende in allen betroffenen Stadtteilen an.",
                "Der Stadtrat soll im Juni über den ersten Bauabschnitt entscheiden. Fällt die Entscheidung positiv aus, könnten die ersten Häuser bereits im Winter 2025 mit Wärme aus dem Klärwerk versorgt werden.",
            ),
            nav=("Startseite", "Lokales", "Politik", "Wirtschaft", "Sport", "Kultur", "Abo"),
            chrome={
                "by": "Von",
                "bio": "Katrin Müller ist Redakteurin im Lokalressort und schreibt über Stadtentwicklung, Energie und Verkehr.",
                "read_also": "Lesen Sie auch:",
                "newsletter": "Jeden Morgen die wichtigsten Nachrichten aus der Region: Melden Sie sich jetzt für unseren kostenlosen Newsletter an.",
                "related": "Mehr zum Thema",
                "comments": "Kommentare",
                "send": "Absenden",
                "footer": "© 2024 Beispiel-Zeitung GmbH. Alle Rechte vorbehalten. Impressum | Datenschutz | AGB",
                "cookie": "Wir verwenden Cookies und ähnliche Technologien, um Inhalte zu personalisieren und die Zugriffe auf unsere Website zu analysieren. Mit einem Klick auf „Akzeptieren“ stimmen Sie der Verarbeitung zu.",
                "accept": "Akzeptieren",
            },
            related=(
                "Heizungsgesetz: Was Hausbesitzer jetzt wissen müssen",
                "Neue Buslinie verbindet Südstadt und Klinikum",
                "Haushalt 2024: Stadt muss sparen",
            ),
            comments=(
                "Endlich passiert mal was, aber wer bezahlt am Ende die Baustellen?",
                "Wir warten seit Jahren auf eine Antwort der Stadtwerke zu unserem Anschluss.",
            ),
        ),
    ),
    (
        "paywall",
        Article(
            name="fr-tramway",
            lang="fr-FR",
            url="https://www.exemple-quotidien.fr/metropole/tramway-ligne-nord-travaux",
            site="Le Quotidien d'Exemple",
            title="Tramway : la ligne nord entre dans sa phase de travaux la plus délicate",
            authors=("Claire Dubois",),
            date="2024-02-05T17:45:00+01:00",
            paragraphs=(
                "Après dix-huit mois de déviations de réseaux, le chantier de la future ligne nord du tramway entre dans sa phase la plus délicate. À partir du 19 février, la place de la République sera fermée à la circulation automobile pendant au moins quatre mois.",
                "La métropole justifie cette fermeture par la pose des rails au carrefour central, où se croisent trois lignes de bus et deux axes routiers majeurs. « Nous avons étudié toutes les options, et c'est celle qui raccourcit le plus la durée des travaux », explique le vice-président chargé des mobilités.",
                "Les commerçants du centre-ville restent inquiets. Plusieurs d'entre eux affirment avoir perdu jusqu'à un tiers de leur chiffre d'affaires depuis le début du chantier. Une commission d'indemnisation a déjà examiné une cinquantaine de dossiers, mais les versements tardent.",
                "Pour limiter la gêne, les bus seront déviés par les quais et une navette gratuite reliera la gare au parking relais du stade toutes les dix minutes. Les piétons pourront continuer à traverser la place par un couloir balisé.",
                "La mise en service de la ligne, qui doit desservir quatorze stations sur sept kilomètres, reste annoncée pour la rentrée 2026. Son coût est estimé à 420 millions d'euros, financés en grande partie par la métropole et par l'État.",
            ),
            nav=(
                "Accueil",
                "Métropole",
                "Politique",
                "Économie",
                "Sports",
                "Culture",
                "Abonnez-vous",
            ),
            chrome={
                "by": "Par",
                "ad": "Publicité",
                "caption": "La place de la République sera fermée à la circulation pendant quatre mois. Photo archives",
                "newsletter": "Cet article vous a plu ? Abonnez-vous pour 1 € le premier mois et accédez à tous nos contenus en illimité.",
                "related": "À lire aussi",
                "footer": "© Le Quotidien d'Exemple 2024 - Mentions légales - Politique de confidentialité - Gérer les cookies",
                "cookie": "Avec votre accord, nous et nos partenaires utilisons des cookies ou technologies similaires pour stocker et accéder à des informations personnelles comme votre visite sur ce site.",
                "accept": "Accepter et fermer",
            },
            related=(
                "Bus : le nouveau plan de circulation entre en vigueur lundi",
                "Stationnement : les tarifs augmentent dans l'hypercentre",
                "Municipales : le tramway au cœur de la campagne",
            ),
            comments=(),
        ),
    ),
    (
        "publisher",
        Article(
            name="es-sequia",
            lang="es",
            url="https://www.diario-ejemplo.es/sociedad/sequia-embalses-restricciones_1.html",
            site="Diario Ejemplo",
            title="Los embalses bajan del 20% y la Junta endurece las restricciones de agua",
            authors=("Lucía Fernández",),
            date="2024-01-30T13:10:00+01:00",
            paragraphs=(
                "Los embalses de la cuenca han bajado esta semana del 20% de su capacidad, el nivel más bajo registrado en enero desde que existen datos. La Junta ha aprobado este martes un decreto que endurece las restricciones de agua en 74 municipios.",
                "A partir del 1 de febrero, los ayuntamientos afectados deberán reducir la presión de la red durante la noche y quedará prohibido llenar piscinas privadas, regar jardines y lavar coches con manguera. Las multas por incumplimiento podrán alcanzar los 3.000 euros.",
                "El consejero de Agricultura defendió que las medidas son «dolorosas pero imprescindibles» para garantizar el abastecimiento de boca hasta el otoño. El Gobierno regional estudia además traer agua en barco desde otras comunidades si la situación no mejora en primavera.",
                "Las organizaciones agrarias advierten de que el regadío ya ha perdido más de la mitad de su dotación y reclaman ayudas directas. «Hay explotaciones que no van a sembrar este año», lamentó el portavoz de una de las principales asociaciones del sector.",
                "Los ecologistas, por su parte, piden revisar las concesiones de los grandes regadíos y acelerar la reutilización de aguas depuradas, que hoy apenas cubre un 10% de la demanda agrícola de la región.",
            ),
            nav=("Portada", "España", "Sociedad", "Economía", "Deportes", "Opinión", "Suscríbete"),
            chrome={
                "by": "Por",
                "bio": "Lucía Fernández es periodista de la sección de Sociedad y cubre medio ambiente y agricultura.",
                "read_also": "Lea también:",
                "newsletter": "Recibe cada mañana en tu correo las noticias más importantes del día. Suscríbete gratis a nuestro boletín.",
                "related": "Noticias relacionadas",
                "comments": "Comentarios",
                "send": "Enviar",
                "footer": "© Diario Ejemplo S.L. Todos los derechos reservados. Aviso legal · Política de privacidad · Contacto",
                "cookie": "Utilizamos cookies propias y de terceros para mejorar nuestros servicios y mostrarle publicidad relacionada con sus preferencias mediante el análisis de sus hábitos de navegación.",
                "accept": "Aceptar",
            },
            related=(
                "El Gobierno aprueba un plan de ayudas para el campo",
                "¿Cuánta agua consume de verdad una piscina?",
                "La desaladora no estará lista hasta 2027",
            ),
            comments=(
                "Siempre pagamos los mismos, los campos de golf siguen regando.",
                "Que empiecen por arreglar las fugas de la red, que se pierde un 25%.",
            ),
        ),
    ),
    (
        "portal",
        Article(
            name="ja-shinkansen",
            lang="ja",
            url="https://news.example.jp/articles/20240214-shinkansen",
            site="Exampleニュース",
            title="新幹線、大雪で一時運転見合わせ　約2万人に影響",
            authors=("山田太郎",),
            date="2024-02-14T21:05:00+09:00",
            paragraphs=(
                "14日午後、日本海側を中心に降った大雪の影響で、新幹線の一部区間が約3時間にわたって運転を見合わせた。JRによると、上下線あわせて42本が運休または遅れ、約2万人に影響が出た。",
                "運転見合わせは午後2時すぎ、線路のポイントに雪が詰まって切り替えができなくなったことが原因とみられる。作業員が除雪を行い、午後5時ごろに運転を再開した。",
                "駅の構内では、運転再開を待つ乗客で混雑が続いた。出張帰りだという東京都の会社員の男性(45)は「今日中に帰れるか分からない。明日の会議はオンラインにしてもらった」と話した。",
                "気象台によると、強い冬型の気圧配置は15日にかけて続く見込みで、山沿いでは24時間に最大70センチの降雪が予想されている。JRは15日も計画運休の可能性があるとして、最新の運行情報を確認するよう呼びかけている。",
            ),
            nav=("トップ", "国内", "国際", "経済", "エンタメ", "スポーツ", "IT"),
            chrome={
                "ad": "広告",
                "related": "アクセスランキング",
                "footer": "Copyright © Example News. All rights reserved. 記事・写真の無断転載を禁じます。",
                "cookie": "当サイトでは、利便性の向上と利用状況の分析のためにクッキーを使用しています。サイトを閲覧し続けることで、クッキーの使用に同意したものとみなされます。",
            },
            related=(
                "大雪で高速道路が通行止め　物流にも影響",
                "春の訪れ告げる梅が見ごろ",
                "新型車両の試験走行始まる",
            ),
            comments=(),
        ),
    ),
    (
        "itemprop",
        Article(
            name="ru-most",
            lang="ru-RU",
            url="https://primer-gorod.ru/news/2024/04/03/most-remont",
            site="Пример-Город",
            title="Ремонт Северного моста начнётся в мае и продлится два года",
            authors=("Анна Смирнова",),
            date="2024-04-03T10:20:00+03:00",
            paragraphs=(
                "Капитальный ремонт Северного моста начнётся в середине мая и продлится около двух лет. Об этом на заседании городской думы сообщил заместитель главы администрации по транспорту.",
                "По его словам, работы будут вестись поэтапно: сначала закроют две полосы в сторону центра, затем две полосы в обратном направлении. Полностью перекрывать движение не планируется, однако скорость на мосту ограничат до 40 километров в час.",
                "Стоимость контракта составляет 2,7 миллиарда рублей. Подрядчик должен заменить деформационные швы, отремонтировать опоры и полностью обновить покрытие. Последний раз мост ремонтировали более двадцати лет назад.",
                "Депутаты попросили администрацию заранее изменить маршруты общественного транспорта и увеличить число автобусов в часы пик. Жители правобережья опасаются многочасовых пробок, особенно в летний сезон.",
                "В администрации пообещали опубликовать схемы объезда до конца апреля и открыть горячую линию для вопросов о ремонте.",
            ),
            nav=("Главная", "Новости", "Общество", "Транспорт", "Происшествия", "Спорт"),
            chrome={
                "newsletter": "Подписывайтесь на наш канал, чтобы первыми узнавать о главных событиях города.",
                "related": "Читайте также",
                "comments": "Комментарии",
                "send": "Отправить",
                "footer": "© 2024 Пример-Город. При использовании материалов ссылка на сайт обязательна. 18+",
            },
            related=(
                "В городе появятся новые выделенные полосы",
                "Мэрия объявила конкурс на ремонт дорог",
                "Как изменится расписание электричек летом",
            ),
            comments=(
                "Два года! Опять будем стоять в пробках каждый день.",
                "Давно пора, мост в ужасном состоянии.",
            ),
        ),
    ),
    (
        "wordpress",
        Article(
            name="ar-maktaba",
            lang="ar",
            url="https://mithal-news.example/2024/03/library-reopens/",
            site="أخبار المثال",
            title="إعادة افتتاح المكتبة العامة بعد ترميم استمر ثلاث سنوات",
            authors=("سارة أحمد",),
            date="2024-03-20T09:00:00+02:00",
            paragraphs=(
                "أعادت المكتبة العامة في وسط المدينة فتح أبوابها أمام الزوار صباح الأربعاء، بعد أعمال ترميم استمرت ثلاث سنوات وشملت المبنى التاريخي وقاعات المطالعة.",
                "وقالت مديرة المكتبة إن أعمال الترميم حافظت على الواجهة الحجرية الأصلية، بينما أضيفت قاعة جديدة للأطفال ومساحة للدراسة تتسع لمئة وعشرين شخصا، إلى جانب خدمة الإنترنت المجانية.",
                "وأوضحت أن المكتبة تضم اليوم أكثر من مئة وخمسين ألف كتاب، من بينها مجموعة من المخطوطات النادرة التي ستعرض للجمهور لأول مرة في قاعة مخصصة مزودة بأنظمة للتحكم في الحرارة والرطوبة.",
                "وبلغت تكلفة المشروع نحو أربعة ملايين دولار، ساهمت فيها البلدية وعدد من الجهات المانحة. وستفتح المكتبة أبوابها يوميا من التاسعة صباحا حتى الثامنة مساء، باستثناء يوم الجمعة.",
            ),
            nav=("الرئيسية", "محليات", "ثقافة", "اقتصاد", "رياضة", "اتصل بنا"),
            chrome={
                "share": "شارك هذا المقال:",
                "like": "أعجبني هذا:",
                "newsletter": "اشترك في نشرتنا البريدية ليصلك كل جديد يوميا على بريدك الإلكتروني.",
                "related": "مقالات ذات صلة",
                "comments": "التعليقات",
                "send": "إرسال التعليق",
                "footer": "جميع الحقوق محفوظة © 2024 أخبار المثال",
                "cookie": "يستخدم هذا الموقع ملفات تعريف الارتباط لتحسين تجربتك. باستمرارك في التصفح فإنك توافق على ذلك.",
            },
            related=(
                "مهرجان الكتاب يعود في دورته العاشرة",
                "افتتاح حديقة عامة جديدة في الحي الشرقي",
                "البلدية تعلن خطة لترميم الأسواق القديمة",
            ),
            comments=(
                "خبر رائع، كنا ننتظر هذا اليوم منذ سنوات.",
                "هل ستكون هناك أنشطة للأطفال في العطلة الصيفية؟",
            ),
        ),
    ),
    (
        "portal",
        Article(
            name="zh-ditie",
            lang="zh-CN",
            url="https://news.example.cn/2024/0501/metro-line-6.html",
            site="示例新闻网",
            title="地铁6号线二期今日开通　沿线居民出行时间缩短一半",
            authors=("李明",),
            date="2024-05-01T08:00:00+08:00",
            paragraphs=(
                "5月1日上午，地铁6号线二期工程正式开通运营。新开通的线路全长18.6公里，共设12座车站，将城市东部新区与主城区连接起来。",
                "据地铁运营公司介绍，二期工程开通后，东部新区居民前往市中心的通勤时间将由原来的一个多小时缩短至约35分钟。开通初期，列车高峰时段发车间隔为4分钟，平峰时段为7分钟。",
                "当天上午，不少市民专程前来体验。家住新区的王女士说：“以前上班要换两趟公交车，现在坐地铁直达，方便多了。”",
                "运营公司表示，节假日期间客流较大，将根据实际情况增加运力，并提醒乘客错峰出行，注意乘车安全。",
            ),
            nav=("首页", "国内", "国际", "财经", "体育", "娱乐", "科技"),
            chrome={
                "ad": "广告",
                "related": "热门排行",
                "footer": "版权所有 © 示例新闻网　未经授权禁止转载",
                "cookie": "本网站使用Cookie以改善您的浏览体验。继续浏览即表示您同意我们使用Cookie。",
            },
            related=(
                "五一假期首日全市接待游客超百万人次",
                "市区新增三条公交线路",
                "机场高速改扩建工程进展顺利",
            ),
            comments=(),
        ),
    ),
)


def build(out: Path = OUT) -> list[Path]:
    """Write every page and its labels; return the HTML paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for layout, article in ARTICLES:
        html_path = out / f"{article.name}.html"
        html_path.write_text(LAYOUTS[layout](article), encoding="utf-8")
        label = {
            "url": article.url,
            "layout": layout,
            "title": article.title,
            "authors": list(article.authors),
            "date": article.date[:10],
            "language": article.lang[:2],
            "body": "\n\n".join(article.paragraphs),
        }
        html_path.with_suffix(".json").write_text(
            json.dumps(label, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        written.append(html_path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path)
