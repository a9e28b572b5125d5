"""The write-ahead journal (see :mod:`newscrawler.journal.journal`) and its parts."""

from newscrawler.journal.journal import Journal, JournalWriteError
from newscrawler.journal.owners import database_identity, owner_alive, process_alive

__all__ = ["Journal", "JournalWriteError", "database_identity", "owner_alive", "process_alive"]
