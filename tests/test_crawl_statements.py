"""A whole crawl (Extract, Dedup, Language, Story, Store) costs at most three SQL statements a
document, and sends every one from the store's database thread, never from the reactor's:
counted in the crawl's own interpreter, on a real SQLite file."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from newscrawler.db.store import DATABASE_THREAD

from .conftest import counts, crawl, write_articles

MAX_STATEMENTS_PER_DOCUMENT = 3
DOCUMENTS = 80

# Loaded by the crawl's interpreter (on PYTHONPATH): records every statement sent to a
# database with the name of the thread that sent it.
COUNTER = """
import atexit, os, threading
from sqlalchemy import event
from sqlalchemy.engine import Engine
executed = []
event.listen(Engine, "before_cursor_execute",
             lambda *args: executed.append((threading.current_thread().name, args[2])))
atexit.register(lambda: open(os.environ["STATEMENTS_FILE"], "a").write("".join(
    thread + "\\t" + " ".join(statement.split()) + "\\n" for thread, statement in executed)))
"""


@dataclass(frozen=True)
class Statement:
    thread: str
    sql: str


@dataclass(frozen=True)
class CountedCrawl:
    statements: list[Statement]
    stored: int


@pytest.fixture(scope="module")
def counted_crawl(tmp_path_factory: pytest.TempPathFactory) -> CountedCrawl:
    tmp_path = tmp_path_factory.mktemp("statements")
    sqlite_url, spool_dir = f"sqlite:///{tmp_path / 'news.sqlite3'}", tmp_path / "spool"
    # The schema is created by a first crawl; the second one is counted.
    crawl("files", "-a", f"path={write_articles(tmp_path / 'first', 3, seed=1)}",
          database_url=sqlite_url, spool_dir=spool_dir)  # fmt: skip
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(COUNTER, encoding="utf-8")
    folder = write_articles(tmp_path / "second", DOCUMENTS, seed=2)
    statements_file = tmp_path / "statements.txt"
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    crawl("files", "-a", f"path={folder}", database_url=sqlite_url, spool_dir=spool_dir,
          env={"PYTHONPATH": path, "STATEMENTS_FILE": str(statements_file)})  # fmt: skip
    lines = statements_file.read_text(encoding="utf-8").splitlines()
    statements = [Statement(*line.split("\t", 1)) for line in lines]
    return CountedCrawl(statements, stored=counts(sqlite_url)[0])


def test_a_whole_crawl_costs_at_most_three_statements_a_document(
    counted_crawl: CountedCrawl,
) -> None:
    statements = [s.sql for s in counted_crawl.statements]
    assert counted_crawl.stored == 3 + DOCUMENTS  # every document was stored
    assert any(s.startswith("INSERT INTO story_signals") for s in statements)  # stories filed
    per_document = len(statements) / DOCUMENTS
    print(f"{per_document:.2f} statements per document")
    assert per_document <= MAX_STATEMENTS_PER_DOCUMENT, statements


def test_every_statement_of_a_crawl_is_sent_from_the_database_thread(
    counted_crawl: CountedCrawl,
) -> None:
    threads = {s.thread for s in counted_crawl.statements}
    assert counted_crawl.statements
    assert all(thread.startswith(DATABASE_THREAD) for thread in threads), threads
