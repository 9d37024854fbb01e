"""SQLite writers queue on the lock file: in order, across threads and processes, never stuck."""

import multiprocessing
import sqlite3
import threading
import time

import pytest

from webapp.sqlite_writers import WriterQueue, connection_class


@pytest.fixture
def database(tmp_path):
    path = str(tmp_path / "queue.sqlite3")
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (n INTEGER)")
    return path


def connect(path: str, queue: WriterQueue, busy: float = 5.0) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=busy, factory=connection_class(queue),
                           check_same_thread=False)


def test_a_second_writer_waits_for_the_first_commit_then_goes_on(database):
    queue = WriterQueue(database, timeout=5)
    first, second = connect(database, queue), connect(database, queue)
    first.execute("INSERT INTO t VALUES (1)")
    order = []

    def write_second():
        second.execute("INSERT INTO t VALUES (2)")
        order.append("second wrote")
        second.commit()

    thread = threading.Thread(target=write_second)
    thread.start()
    time.sleep(0.2)
    order.append("first commits")
    first.commit()
    thread.join(timeout=5)
    assert order == ["first commits", "second wrote"]
    assert [r[0] for r in first.execute("SELECT n FROM t ORDER BY n")] == [1, 2]


def test_reads_do_not_wait_and_rollback_or_close_let_the_next_writer_in(database):
    queue = WriterQueue(database, timeout=5)
    writer, reader = connect(database, queue), connect(database, queue)
    writer.execute("INSERT INTO t VALUES (1)")
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)  # WAL: no waiting
    writer.rollback()
    reader.execute("INSERT INTO t VALUES (2)")
    reader.commit()
    writer.execute("UPDATE t SET n = 3")
    writer.close()  # closing a writer gives the lock back too
    reader.execute("DELETE FROM t")
    reader.commit()
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)


def _hold_lock(path: str, started, release) -> None:
    connection = connect(path, WriterQueue(path, timeout=5))
    connection.execute("INSERT INTO t VALUES (9)")
    started.set()
    release.wait(10)
    connection.commit()


@pytest.fixture
def other_process_writing(database):
    """Another process in the middle of a write; set the yielded event to let it commit."""
    context = multiprocessing.get_context("fork")
    started, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(database, started, release))
    holder.start()
    assert started.wait(10)
    yield release
    release.set()
    holder.join(10)


def test_processes_take_turns_on_the_lock_file(database, other_process_writing):
    queue = WriterQueue(database, timeout=0.1)
    assert queue.acquire() is False  # the other process is writing
    other_process_writing.set()
    patient = WriterQueue(database, timeout=5)
    assert patient.acquire() is True
    patient.release()


def test_a_writer_that_waits_too_long_goes_on_and_gets_sqlites_answer(database,
                                                                      other_process_writing):
    impatient = connect(database, WriterQueue(database, timeout=0.2), busy=0.2)
    began = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        impatient.execute("INSERT INTO t VALUES (1)")
    assert time.monotonic() - began < 2


def test_the_app_queues_the_writers_of_a_database_file_only(tmp_path):
    from webapp.config import engine_options

    on_file = engine_options(f"sqlite:///{tmp_path / 'app.sqlite3'}")["connect_args"]
    assert issubclass(on_file["factory"], sqlite3.Connection)
    assert "factory" not in engine_options("sqlite://")["connect_args"]
