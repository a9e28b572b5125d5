"""``newscrawler`` as an operator runs it: real processes, exit codes and what they print."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from newscrawler.db.engine import make_engine
from newscrawler.db.models import Article

from .conftest import PROJECT_ROOT, crawl, write_articles

pytestmark = pytest.mark.slow  # real processes

# Columns downstream jobs read (docs/ARCHITECTURE contract + README), whatever else is added.
CONTRACT_COLUMNS = {
    "id", "url", "canonical_url", "title", "text", "language", "language_confidence",
    "published_at", "authors", "site_name", "content_hash", "duplicate_of", "similarity",
    "image_url", "first_seen_at", "last_seen_at", "languages", "tags", "source_credit",
    "description", "declared_language",
}  # fmt: skip


def newscrawler(
    *args: str, env: dict[str, str] | None = None, cwd: Path = PROJECT_ROOT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawler.cli", *args], cwd=cwd, capture_output=True,
        text=True, timeout=300, env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Seeds, then 80 generated articles (enough output to fill a pipe), then an empty run."""
    folder = tmp_path_factory.mktemp("operator")
    url = f"sqlite:///{folder / 'news.sqlite3'}"
    spool = folder / "spool"
    crawl("seeds", database_url=url, spool_dir=spool)
    articles = write_articles(folder / "articles", 80)
    crawl("files", "-a", f"path={articles}", database_url=url, spool_dir=spool)
    crawl("files", "-a", f"path={folder / 'nowhere'}", database_url=url, spool_dir=spool,
          returncode=4)  # fmt: skip
    return url


def test_version() -> None:
    result = newscrawler("--version")
    assert result.returncode == 0
    name, number = result.stdout.split()
    assert name == "newscrawler" and number[0].isdigit()


def test_help_has_no_markup() -> None:
    for command in ([], ["export"], ["stats"]):
        result = newscrawler(*command, "--help")
        assert result.returncode == 0
        assert "``" not in result.stdout and ":class:" not in result.stdout


@pytest.mark.parametrize("command", ["show", "stats", "export"])
def test_read_only_commands_never_create_a_database(command: str, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "news.sqlite3"
    result = newscrawler(command, "--database-url", f"sqlite:///{target}")
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1 and "no database at" in result.stderr
    assert not (tmp_path / "missing").exists()


def test_unreachable_database_is_one_line_with_the_password_masked() -> None:
    url = "postgresql+psycopg://news:hunter2-secret@127.0.0.1:1/news"
    result = newscrawler("stats", "--database-url", url)
    assert result.returncode == 3
    assert "hunter2-secret" not in result.stderr and "news:***@127.0.0.1" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_not_a_database_url() -> None:
    result = newscrawler("show", "--database-url", "news.sqlite3")
    assert result.returncode == 2 and "not a database URL" in result.stderr


def blocked(tmp_path: Path, module: str) -> dict[str, str]:
    """An environment in which ``module`` cannot be imported, as if it were not installed."""
    stub = tmp_path / "blocked" / module
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text(
        f"raise ModuleNotFoundError({f'No module named {module!r}'!r}, name={module!r})\n"
    )
    return {"PYTHONPATH": f"{stub.parent}{os.pathsep}{PROJECT_ROOT}"}


def test_missing_parquet_extra_is_named(database: str, tmp_path: Path) -> None:
    result = newscrawler("export", "--database-url", database, "--format", "parquet",
                         "--output", str(tmp_path / "a.parquet"), env=blocked(tmp_path, "pyarrow"))  # fmt: skip
    assert result.returncode == 2
    assert "pip install 'newscrawler[parquet]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_postgres_extra_is_named(tmp_path: Path) -> None:
    result = newscrawler("stats", "--database-url", "postgresql+psycopg://news@127.0.0.1:1/news",
                         env=blocked(tmp_path, "psycopg"))  # fmt: skip
    assert result.returncode == 2
    assert "pip install 'newscrawler[postgres]'" in result.stderr


def test_show_lists_newest_first_with_options_after_the_command(database: str) -> None:
    result = newscrawler("show", "--database-url", database, "--limit", "5")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("5 newest of 84 articles")
    ids = [int(line.split()[0]) for line in lines[2:]]
    # Newest by when they were first seen (the workers may finish them in another order
    # than they were fetched, so ids need not follow the times).
    engine = make_engine(database)
    with Session(engine) as session:
        newest = session.scalars(
            select(Article.id).order_by(Article.first_seen_at.desc(), Article.id.desc()).limit(5)
        ).all()
    engine.dispose()
    assert ids == list(newest)
    assert all("file://" in line and line.split()[1].count("-") == 2 for line in lines[2:])


def test_show_language_filter_is_case_insensitive(database: str) -> None:
    result = newscrawler("show", "--language", "DE", "--database-url", database)
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()[2:]
    assert len(rows) == 2 and all(row.split()[3] == "de" for row in rows)


def test_language_name_is_rejected_not_silently_empty(database: str) -> None:
    result = newscrawler("export", "--database-url", database, "--language", "german")
    assert result.returncode == 2
    assert "'german' is not an ISO 639-1 language code" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("since", ["2d", "6h", "yesterday", "2020-01-01"])
def test_since_accepts_ages_and_dates(database: str, since: str) -> None:
    result = newscrawler("export", "--database-url", database, "--since", since)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 84


def test_bad_since_is_a_usage_error(database: str) -> None:
    result = newscrawler("export", "--database-url", database, "--since", "last tuesday")
    assert result.returncode == 2
    assert "'last tuesday' is not a time" in result.stderr and "Traceback" not in result.stderr


def test_export_into_a_closed_pipe_stops_quietly(database: str) -> None:
    command = [sys.executable, "-m", "newscrawler.cli", "export", "--database-url", database]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # what `| head -1` does
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert json.loads(first)["id"] == 1
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_export_columns_are_complete_and_in_one_order(database: str, tmp_path: Path) -> None:
    jsonl = newscrawler("export", "--database-url", database, "--language", "en")
    as_csv = newscrawler("export", "--database-url", database, "--format", "csv")
    target = tmp_path / "articles.parquet"
    parquet = newscrawler("export", "--database-url", database, "--format", "parquet",
                          "--output", str(target))  # fmt: skip
    assert jsonl.returncode == as_csv.returncode == parquet.returncode == 0
    json_columns = list(json.loads(jsonl.stdout.splitlines()[0]))
    csv_rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert set(json_columns) >= CONTRACT_COLUMNS
    assert list(csv_rows[0]) == json_columns == pq.read_schema(target).names
    assert len(csv_rows) == 84 and pq.read_table(target).num_rows == 84
    assert all(row["first_seen_at"].endswith("+00:00") for row in csv_rows)


def test_stats_shows_exit_codes_and_can_hide_empty_runs(database: str) -> None:
    every = newscrawler("stats", "--database-url", database)
    hidden = newscrawler("stats", "--hide-empty", "--database-url", database)
    assert every.returncode == hidden.returncode == 0

    def runs(output: str) -> list[list[str]]:
        block = output.split("\n\n")[0].strip().splitlines()[2:]  # the runs table
        return [line.split() for line in block]

    assert [(row[1], row[-1]) for row in runs(every.stdout)] == [
        ("files", "4"),
        ("files", "0"),
        ("seeds", "0"),
    ]
    assert [row[1] for row in runs(hidden.stdout)] == ["files", "seeds"]


def test_reextract_of_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    result = newscrawler("reextract", "--database-url", f"sqlite:///{tmp_path / 'x' / 'n.db'}")
    assert result.returncode == 3 and "no database at" in result.stderr
    assert not (tmp_path / "x").exists()


def test_export_draws_a_progress_bar_on_a_terminal(database: str, tmp_path: Path) -> None:
    main, terminal = pty.openpty()
    target = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "newscrawler.cli", "export", "--database-url", database,
               "--output", str(target)]  # fmt: skip
    with subprocess.Popen(command, cwd=PROJECT_ROOT, stderr=terminal) as process:
        os.close(terminal)
        seen = b""
        with contextlib.suppress(OSError):  # EIO once the process has closed the terminal
            while chunk := os.read(main, 4096):
                seen += chunk
        assert process.wait(timeout=60) == 0
    os.close(main)
    assert b"exporting [" in seen and b"84/84" in seen
    assert len(target.read_text(encoding="utf-8").splitlines()) == 84


def test_export_to_a_pipe_has_no_progress_bar(database: str, tmp_path: Path) -> None:
    result = newscrawler("export", "--database-url", database, "--output", str(tmp_path / "o"))
    assert result.returncode == 0 and result.stderr == "exported 84 articles\n"


def test_reextract_draws_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'news.sqlite3'}"
    crawl("seeds", database_url=url, spool_dir=tmp_path / "spool")
    main, terminal = pty.openpty()
    command = [sys.executable, "-m", "newscrawler.cli", "reextract", "--database-url", url]
    env = {**os.environ, "NEWSCRAWLER_HOME": str(tmp_path)}
    with subprocess.Popen(command, cwd=PROJECT_ROOT, stderr=terminal, env=env) as process:
        os.close(terminal)
        seen = b""
        with contextlib.suppress(OSError):
            while chunk := os.read(main, 4096):
                seen += chunk
        assert process.wait(timeout=120) == 0
    os.close(main)
    assert b"\rdocuments 4 (" in seen
    assert b"documents re-extracted: 4" in seen
