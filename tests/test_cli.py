"""The operator's commands on a real database: export (jsonl, csv, parquet with filters) and stats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from newscrawler.cli import main

from .conftest import CrawlRunner


@pytest.fixture
def seeded_url(run_crawl: CrawlRunner, sqlite_url: str) -> str:
    run_crawl("seeds")
    return sqlite_url


def test_export_jsonl_filters_by_language(seeded_url: str) -> None:
    out = io.StringIO()
    assert main(["--database-url", seeded_url, "export", "--language", "de"], out=out) == 0
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == 2
    assert {r["language"] for r in records} == {"de"}
    assert all(r["text"] and r["url"].startswith("file://") for r in records)


def test_export_csv_and_since(seeded_url: str) -> None:
    out = io.StringIO()
    main(["--database-url", seeded_url, "export", "--format", "csv"], out=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 4 and rows[0]["content_hash"]
    later = io.StringIO()
    main(["--database-url", seeded_url, "export", "--since", "2999-01-01"], out=later)
    assert later.getvalue() == ""


def test_export_parquet_one_per_story(seeded_url: str, tmp_path: Path) -> None:
    target = tmp_path / "articles.parquet"
    args = ["--database-url", seeded_url, "export", "--format", "parquet", "--one-per-story"]
    assert main([*args, "--output", str(target)]) == 0
    table = pq.read_table(target)
    assert table.num_rows == 4
    assert set(table.column("language").to_pylist()) == {"de", "en"}


def test_parquet_needs_an_output_file(seeded_url: str) -> None:
    assert main(["--database-url", seeded_url, "export", "--format", "parquet"]) == 2


def test_stats(seeded_url: str) -> None:
    out = io.StringIO()
    assert main(["--database-url", seeded_url, "stats"], out=out) == 0
    text = out.getvalue()
    assert "seeds" in text and "finished" in text
    languages = text.split("articles per language")[1].split("articles per site")[0]
    assert {line.split()[0] for line in languages.strip().splitlines()[1:]} == {"de", "en"}
