"""The package as a user installs it: a built wheel, run in an empty folder, no checkout around.

The wheel is built from this checkout and installed (without dependencies,
which the test environment already has) into a folder of its own; the
commands then run from an empty working folder with no ``scrapy.cfg`` and no
``SCRAPY_SETTINGS_MODULE``, as after ``pip install newscrawler``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import PROJECT_ROOT, SEEDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the installed wheel (put on PYTHONPATH to use it)."""
    build = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(build), str(PROJECT_ROOT)],
                   check=True, capture_output=True, timeout=600)  # fmt: skip
    wheel = next(build.glob("newscrawler-*.whl"))
    site = tmp_path_factory.mktemp("site")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=600)  # fmt: skip
    return site


def run(
    site: Path, cwd: Path, home: Path, *args: str, **extra: str
) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NEWSCRAWLER_", "SCRAPY_", "XDG_"))
    }
    env.update(PYTHONPATH=str(site), HOME=str(home), **extra)
    return subprocess.run([sys.executable, "-m", "newscrawler.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_installed_package_crawls_and_shows_into_the_user_data_folder(
    installed: Path, tmp_path: Path
) -> None:
    work, home, documents = tmp_path / "work", tmp_path / "home", tmp_path / "documents"
    work.mkdir()
    shutil.copytree(SEEDS, documents)
    located = run(installed, work, home, "--version")
    assert located.returncode == 0 and located.stdout.startswith("newscrawler ")
    crawl = run(installed, work, home, "crawl", "files", "-a", f"path={documents}")
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert "4 documents, 4 stored" in crawl.stderr.strip().splitlines()[-1]
    database = home / ".local" / "share" / "newscrawler" / "news.sqlite3"
    assert database.is_file()
    assert list(work.iterdir()) == []  # nothing written where it ran
    show = run(installed, work, home, "show")
    assert show.returncode == 0, show.stderr
    assert show.stdout.startswith(f"4 articles in sqlite:///{database}")


def test_newscrawler_home_chooses_the_data_folder(installed: Path, tmp_path: Path) -> None:
    work, home, data = tmp_path / "work", tmp_path / "home", tmp_path / "data"
    work.mkdir()
    crawl = run(installed, work, home, "crawl", "files", "-a", f"path={SEEDS}",
                NEWSCRAWLER_HOME=str(data))  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert (data / "news.sqlite3").is_file() and (data / "spool").is_dir()
    assert not (home / ".local" / "share" / "newscrawler").exists()
    stats = run(installed, work, home, "stats", NEWSCRAWLER_HOME=str(data))
    assert stats.returncode == 0 and "files" in stats.stdout
