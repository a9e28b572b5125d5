"""``scrapy crawl files``: good files are stored, each bad one is logged and counted."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from newscrawler.db.models import Article, CrawlRun
from newscrawler.spiders.files import FilesSpider

from .conftest import SEEDS, CrawlRunner, write_articles

GERMAN = (
    "Die Stadtverwaltung hat am Montag neue Pläne für den Ausbau des Nahverkehrs vorgestellt. "
    "Nach Angaben der Verkehrsdezernentin sollen bis zum Jahr 2030 zwei neue Straßenbahnlinien "
    "entstehen, die die Außenbezirke besser mit der Innenstadt verbinden."
)
GERMAN_2 = (
    "Im Streit um die Grundsteuer hat der Gemeinderat am Abend einen Kompromiss gefunden. "
    "Die Hebesätze für Wohngrundstücke steigen weniger stark als zunächst geplant, während "
    "Gewerbeflächen einen größeren Teil der Last tragen sollen, hieß es aus dem Rathaus."
)
HTML_PAGE = (
    "<html lang='fr'><head><title>Le conseil municipal vote le budget</title></head><body>"
    "<nav><a href='/'>Accueil</a> <a href='/monde'>Monde</a></nav><article>"
    "<h1>Le conseil municipal vote le budget</h1>"
    "<p>Le conseil municipal a adopté mardi soir le budget de la ville pour l'année prochaine, "
    "après un long débat sur les investissements dans les écoles et les transports publics.</p>"
    "<p>L'opposition a critiqué la hausse des dépenses de fonctionnement, tandis que la majorité "
    "a défendu un effort sans précédent pour la rénovation énergétique des bâtiments.</p>"
    "</article><footer>© Journal de la ville</footer></body></html>"
)


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(f"Neue Straßenbahnlinien geplant\n\n{GERMAN}\n", "utf-8")
    (folder / "latin1.txt").write_bytes(
        f"Streit um die Grundsteuer\n\n{GERMAN_2}\n".encode("cp1252")
    )
    (folder / "page.html.gz").write_bytes(gzip.compress(HTML_PAGE.encode("utf-8")))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "notgzip.html.gz").write_bytes(b"<html><body>plain, not gzip</body></html>")
    (folder / "report.pdf").write_bytes(b"%PDF-1.4 not an article")
    (folder / "huge.txt").write_text(f"Huge\n\n{GERMAN}\n" * 2000, "utf-8")  # over the test limit
    shutil.copy(SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[1], folder / "seed.txt")
    return folder


def test_bad_files_are_logged_counted_and_the_rest_stored(
    run_crawl: CrawlRunner, mixed_folder: Path, sqlite_engine: Engine
) -> None:
    result = run_crawl("files", "-a", f"path={mixed_folder}", "-s", "EXTRACT_MAX_BYTES=200000")
    log = result.stderr
    with Session(sqlite_engine) as session:
        stored = {Path(a.url).name: a for a in session.scalars(select(Article))}
        run = session.scalars(select(CrawlRun)).one()
    assert set(stored) == {"good.txt", "latin1.txt", "page.html.gz", "seed.txt"}
    assert (
        "Gewerbeflächen einen größeren Teil" in stored["latin1.txt"].text
    )  # decoded, not mojibake
    assert "Ã" not in stored["latin1.txt"].text
    assert "adopté mardi soir" in stored["page.html.gz"].text
    for name, reason in [
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        ("notgzip.html.gz", "gzip"),
        ("report.pdf", "unsupported"),
        ("huge.txt", "too_large"),
    ]:
        lines = [line for line in log.splitlines() if name in line]
        assert len(lines) == 1, f"expected one log line for {name}: {lines}"
        assert reason in lines[0].lower()
    dropped = {k.split("/")[-1]: v for k, v in run.stats.items() if "/dropped/" in k}
    assert dropped == {
        "empty": 1, "binary": 1, "bad_gzip": 1, "unsupported_type": 1, "too_large": 1
    }  # fmt: skip
    assert (run.fetched, run.stored, run.dropped) == (7, 4, 5)
    assert "newscrawler summary" in log


def test_missing_path_is_reported(
    run_crawl: CrawlRunner, tmp_path: Path, sqlite_engine: Engine
) -> None:
    result = run_crawl("files", "-a", f"path={tmp_path / 'nowhere'}", returncode=4)
    assert "no such file" in result.stderr
    assert "missing_path=1" in result.stderr.strip().splitlines()[-1]
    with Session(sqlite_engine) as session:
        run = session.scalars(select(CrawlRun)).one()
    assert run.status == "finished"
    assert run.stats["newscrawler/dropped/missing_path"] == 1
    assert run.dropped == 1


def test_files_are_listed_in_path_order(tmp_path: Path) -> None:
    # A separator must sort before "-" and "." as Path comparison does, not after.
    names = ["a/x.txt", "a-b.txt", "a.txt", "a/b/c.txt", "a b.txt", "ab/z.txt", "A.txt", "é.txt"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", "utf-8")
    listed = list(FilesSpider(path=str(tmp_path)).matching_files(str(tmp_path)))
    assert listed == sorted(tmp_path.resolve() / name for name in names)
    globbed = list(FilesSpider(path="x").matching_files(str(tmp_path / "a*" / "*.txt")))
    assert globbed == sorted(tmp_path.resolve() / name for name in ["a/x.txt", "ab/z.txt"])


def test_files_are_requested_as_the_engine_has_room_not_all_at_once(
    run_crawl: CrawlRunner, tmp_path: Path, sqlite_engine: Engine
) -> None:
    # Scrapy reads start() ahead into its scheduler: every file's request (about 1 KB each)
    # would be queued at once. Stopped after a few documents, the crawl shows how many were.
    folder = write_articles(tmp_path / "docs", 300)
    run_crawl("files", "-a", f"path={folder}", "-s", "CLOSESPIDER_ITEMCOUNT=5")
    with Session(sqlite_engine) as session:
        run = session.scalars(select(CrawlRun)).one()
    assert run.stats["finish_reason"] == "closespider_itemcount"
    # Not all 300 (what reading start() ahead queued); how many fewer depends on how fast the
    # first five documents come through (5 + 2 * 16 on an idle machine, 219 seen under load).
    assert run.stats["scheduler/enqueued"] < 300
