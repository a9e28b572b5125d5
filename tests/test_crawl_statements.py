"""A whole crawl (Extract, Dedup, Language, Story, Store) costs at most three SQL statements a
document: counted in the crawl's own interpreter, on a real SQLite file."""

from __future__ import annotations

import os
from pathlib import Path

from .conftest import counts, crawl, write_articles

MAX_STATEMENTS_PER_DOCUMENT = 3

# Loaded by the crawl's interpreter (on PYTHONPATH): counts every statement sent to a database.
COUNTER = """
import atexit, os
from sqlalchemy import event
from sqlalchemy.engine import Engine
executed = []
event.listen(Engine, "before_cursor_execute", lambda *args: executed.append(args[2]))
atexit.register(lambda: open(os.environ["STATEMENTS_FILE"], "a").write("".join(
    " ".join(statement.split()) + "\\n" for statement in executed)))
"""


def test_a_whole_crawl_costs_at_most_three_statements_a_document(
    tmp_path: Path, sqlite_url: str, spool_dir: Path
) -> None:
    # The schema is created by a first crawl; the second one is counted.
    crawl("files", "-a", f"path={write_articles(tmp_path / 'first', 3, seed=1)}",
          database_url=sqlite_url, spool_dir=spool_dir)  # fmt: skip
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(COUNTER, encoding="utf-8")
    documents = 80
    folder = write_articles(tmp_path / "second", documents, seed=2)
    statements_file = tmp_path / "statements.txt"
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    crawl("files", "-a", f"path={folder}", database_url=sqlite_url, spool_dir=spool_dir,
          env={"PYTHONPATH": path, "STATEMENTS_FILE": str(statements_file)})  # fmt: skip

    statements = statements_file.read_text(encoding="utf-8").splitlines()
    assert counts(sqlite_url)[0] == 3 + documents  # every document was stored
    assert any(s.startswith("INSERT INTO story_signals") for s in statements)  # stories filed
    per_document = len(statements) / documents
    print(f"{per_document:.2f} statements per document")
    assert per_document <= MAX_STATEMENTS_PER_DOCUMENT, statements
