"""SQLite writers wait in a queue (a lock file) instead of in SQLite's busy loop.

SQLite lets one transaction write at a time; the others wait in its busy handler, which
sleeps 1, 2, 5, 10, 15, 20, 25 … ms between tries. Under a steady stream of writes from
several worker processes that leaves the cores idle while the lock is free, and a writer can
lose the race again and again (intake API, 2 workers × 2 threads: 115/s without the queue,
131–137/s with it).

Here each connection takes the writers' lock just before its first write (the statement that
makes pysqlite open the transaction) and gives it back at commit or rollback: threads of a
process queue on a ``threading.Lock``, processes on an ``flock`` of ``<database>-writer``, and
a waiter is let in as soon as the writer before it is done. SQLite's own lock still decides;
this only orders the writers. A writer that cannot get the lock within the busy timeout goes
on without it (and SQLite's busy handler applies as before), so a stuck transaction in some
other process (an open ``flask shell``) cannot hang requests for longer than it did.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")  # the statements that open a transaction
POLL_SECONDS = 0.0002  # how often a waiting process retries the lock file


class WriterQueue:
    """The writers' lock of one database file, for threads and for processes."""

    def __init__(self, database: str, timeout: float) -> None:
        self.path = f"{database}-writer"
        self.timeout = timeout
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def acquire(self) -> bool:
        """Wait for the lock (at most the timeout); False when going on without it."""
        deadline = time.monotonic() + self.timeout
        if not self._threads.acquire(timeout=self.timeout):
            return False
        fd = self._file()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self._threads.release()
                    return False
                time.sleep(POLL_SECONDS)

    def release(self) -> None:
        try:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _file(self) -> int:
        # Per process: a forked child must not share the parent's open file (nor its lock).
        if self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd


def connection_class(queue: WriterQueue) -> type[sqlite3.Connection]:
    """A sqlite3 connection class (``sqlite3.connect(factory=…)``) whose writers queue."""

    class QueuedCursor(sqlite3.Cursor):
        def execute(self, sql, parameters=(), /):
            self.connection.before(sql)
            return super().execute(sql, parameters)

        def executemany(self, sql, seq_of_parameters, /):
            self.connection.before(sql)
            return super().executemany(sql, seq_of_parameters)

    class QueuedConnection(sqlite3.Connection):
        holding = False

        def cursor(self, factory=QueuedCursor):
            return super().cursor(factory)

        def execute(self, sql, parameters=(), /):  # the C shortcut skips QueuedCursor
            self.before(sql)
            return super().execute(sql, parameters)

        def executemany(self, sql, seq_of_parameters, /):
            self.before(sql)
            return super().executemany(sql, seq_of_parameters)

        def before(self, sql: str) -> None:
            if not self.holding and not self.in_transaction \
                    and sql.lstrip()[:7].upper().startswith(_WRITES):
                self.holding = queue.acquire()

        def commit(self) -> None:
            self._ending(super().commit)

        def rollback(self) -> None:
            self._ending(super().rollback)

        def close(self) -> None:
            self._ending(super().close)

        def _ending(self, end) -> None:
            try:
                end()
            finally:
                if self.holding:
                    self.holding = False
                    queue.release()

    return QueuedConnection
