"""The Language stage: body language wins, mixed documents keep their shares, unsure is ``und``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newscrawler import stats
from newscrawler.items import Article, RawDocument
from newscrawler.language.identify import LanguageIdentifier
from newscrawler.text.languages import normalise_language
from pipelines.language import LanguagePipeline
from tests.conftest import project_crawler

GERMAN = (
    "Die Bundesregierung hat am Mittwoch ein neues Gesetz zur Förderung erneuerbarer Energien "
    "beschlossen. Nach Angaben des Wirtschaftsministeriums sollen damit bis zum Ende des "
    "Jahrzehnts deutlich mehr Windräder an Land gebaut werden."
)
ENGLISH_QUOTE = (
    '"We welcome this decision and look forward to working with the German government on '
    'its implementation," the European Commission said in a statement.'
)
INDONESIAN_CHROME = (
    "Beranda Berita Terkini Olahraga Ekonomi\nCari berita di sini dan gunakan kata kunci yang "
    "tepat untuk hasil terbaik\nBagikan artikel ini ke teman Anda melalui media sosial"
)
ENGLISH_BODY = (
    "The central bank kept interest rates unchanged on Thursday, saying inflation was easing "
    "more slowly than expected and that it would wait for more data before cutting borrowing "
    "costs later this year."
)
SAMPLES = {
    "zh": "国家统计局周一公布的数据显示，今年前三个季度国内生产总值同比增长百分之五，消费和投资均有所回升。",
    "ja": "政府は月曜日、来年度の予算案を閣議決定した。防衛費と社会保障費が過去最大となる見通しだ。",
    "ko": "정부는 월요일 내년도 예산안을 발표했으며 국방비와 복지 예산이 크게 늘어날 전망이다.",
    "ar": "أعلنت الحكومة يوم الاثنين عن خطة جديدة لدعم الشركات الصغيرة وتوفير فرص عمل للشباب في المدن.",
    "hi": "सरकार ने सोमवार को छोटे व्यवसायों की मदद के लिए एक नई योजना की घोषणा की और युवाओं को रोजगार देने का वादा किया।",
    "id": "Pemerintah mengumumkan rencana baru pada hari Senin untuk membantu usaha kecil dan membuka lapangan kerja bagi anak muda.",
    "tr": "Hükümet pazartesi günü küçük işletmelere destek olmak ve gençlere iş imkânı sağlamak için yeni bir plan açıkladı.",
    "ru": "Правительство в понедельник объявило о новом плане поддержки малого бизнеса и создания рабочих мест для молодежи.",
}  # fmt: skip


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


@pytest.mark.parametrize(("code", "text"), SAMPLES.items())
def test_languages_beyond_the_big_european_ones(
    identifier: LanguageIdentifier, code: str, text: str
) -> None:
    assert identifier.identify(text).code == code


def test_body_language_wins_over_chrome_and_quotes(identifier: LanguageIdentifier) -> None:
    mixed = identifier.identify(
        f"{GERMAN}\n\n{ENGLISH_QUOTE}\n\n{GERMAN.replace('Mittwoch', 'Montag')}"
    )
    assert mixed.code == "de"
    assert set(mixed.shares) == {"de", "en"} and mixed.shares["de"] > mixed.shares["en"]
    wrapped = identifier.identify(f"{INDONESIAN_CHROME}\n{ENGLISH_BODY}")
    assert wrapped.code == "en"


def test_too_short_or_unsure_is_und(identifier: LanguageIdentifier) -> None:
    assert identifier.identify("Kurz.").code == "und"
    assert identifier.identify("12:45 — 3 / 4").code == "und"
    strict = LanguageIdentifier(min_confidence=0.999, min_chars=5)
    assert strict.identify("Ja, nein, vielleicht").code == "und"


def test_candidate_languages_are_configurable() -> None:
    with pytest.raises(ValueError, match="xx"):
        LanguageIdentifier(["en", "xx"])
    assert LanguageIdentifier(["de", "en"]).identify(ENGLISH_BODY).code == "en"


@pytest.mark.parametrize(
    ("declared", "code"),
    [("en-US", "en"), ("de_DE", "de"), ("FR", "fr"), ("", None), ("x-klingon", None)],
)
def test_declared_code(declared: str, code: str | None) -> None:
    assert normalise_language(declared) == code


def test_pipeline_tags_and_counts_declared_disagreement() -> None:
    crawler = project_crawler(LANGUAGES=[], DATABASE_URL="sqlite://")
    crawler.stats.open_spider()
    pipeline = LanguagePipeline.from_crawler(crawler)
    raw = RawDocument(
        url="https://example.com/a", body=b"", spider="t", fetched_at=datetime.now(UTC)
    )
    article = Article(raw=raw, text=GERMAN, declared_language="en-GB")
    pipeline.process_item(article)
    assert (article.language, article.languages) == ("de", {"de": 1.0})
    assert 0.5 <= article.language_confidence <= 1.0
    assert crawler.stats.get_value(f"{stats.LANGUAGE_MISMATCH}/en/de") == 1


def test_indonesian_is_not_taken_for_malay_but_malay_stays_malay(
    identifier: LanguageIdentifier,
) -> None:
    indonesian = "Hujan deras menyebabkan banjir di sejumlah kawasan permukiman di ibu kota."
    malay = (
        "Kerajaan Malaysia mengumumkan bahawa cukai jualan akan dinaikkan mulai bulan hadapan, "
        "kata menteri kewangan."
    )
    assert identifier.identify(indonesian).code == "id"
    assert identifier.identify(malay).code == "ms"
