"""Crawl-run rows (``crawl_runs``): the start, the end and the runs a kill left 'running'."""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from newscrawler.db.models import CrawlRun
from newscrawler.journal import owner_alive

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)


def start_run(session: Session, spider: str, owner: dict[str, Any]) -> CrawlRun:
    """Add the row of a crawl that starts now (committed by the caller).

    ``owner`` describes how a later run tells whether this one still runs
    (the journal's owner lock), beyond a PID that a container may reuse.
    """
    mark_killed_runs(session)
    run = CrawlRun(
        spider=spider,
        started_at=datetime.now(UTC),
        status="running",
        stats={"host": socket.gethostname(), "pid": os.getpid(), **owner},
    )
    session.add(run)
    return run


def mark_killed_runs(session: Session) -> None:
    """Runs of this host still 'running' whose process is gone were killed: say so."""
    host = socket.gethostname()
    for run in session.scalars(select(CrawlRun).where(CrawlRun.status == "running")):
        owner = run.stats or {}
        if owner.get("host") == host and not owner_alive(owner):
            run.status = "killed"
            logger.warning("Crawl run %d (%s) was killed before it finished", run.id, run.spider)


def finish_run(run: CrawlRun, status: str, counts: dict[str, int], stats: dict[str, Any]) -> None:
    """Fill in how the run ended (committed by the caller)."""
    for name, value in counts.items():
        setattr(run, name, value)
    run.status = status
    run.finished_at = datetime.now(UTC)
    run.stats = stats
