"""申込番号: unique across threads, processes and rollbacks, taken without the write lock."""

import multiprocessing
import threading

import pytest
from sqlalchemy import text

from models.application import Application
from models.counter import peek
from models.procedure import Procedure
from webapp.extensions import db
from workflows.applications import numbering

pytest_plugins = ["tests.support.applications"]


def _take(count: int) -> list[str]:
    numbers = []
    for _ in range(count):
        numbers.append(numbering.next_number())
        db.session.commit()
    return numbers


def test_numbers_are_eight_digits_and_never_repeat(app, session):
    numbers = _take(3 * numbering.BLOCK + 5)
    assert len(set(numbers)) == len(numbers)
    assert all(len(n) == 8 and n.isdigit() and n[0] != "0" for n in numbers)
    assert numbers != sorted(numbers)


def test_a_rolled_back_number_is_not_issued_again(app, session):
    first = numbering.next_number()
    session.rollback()
    assert numbering.next_number() != first


def test_taking_a_number_writes_nothing_in_the_callers_transaction(app, session):
    before = peek(numbering.COUNTER)
    numbering.next_number()
    session.rollback()  # the block was reserved in a transaction of its own
    assert peek(numbering.COUNTER) == before + numbering.BLOCK


def test_a_number_issued_before_a_key_change_is_skipped(app, session, world):
    key = numbering._key()
    serial = peek(numbering.COUNTER)  # the next block's first serial, 0-based
    issued = str(numbering.permute(serial + 1, key))  # its second number, issued long ago
    session.add(Application(number=issued, status="submitted",
                            procedure=session.query(Procedure).first()))
    session.commit()
    numbers = _take(numbering.BLOCK)
    assert issued not in numbers and len(set(numbers)) == numbering.BLOCK
    assert str(numbering.permute(serial, key)) == numbers[0]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_on_sqlite_a_transaction_that_already_wrote_takes_its_number_inside(app, session):
    session.execute(text("UPDATE counter SET value = value WHERE name = 'nothing'"))
    session.execute(text("INSERT INTO counter (name, value) VALUES ('other', 0)"))
    # A separate transaction would now wait for this one's write lock (15 s, then fail).
    number = numbering.next_number()
    session.commit()
    assert number not in _take(numbering.BLOCK + 1)


def test_threads_of_one_process_share_blocks_without_repeats(app, session):
    results: list[list[str]] = []

    def worker():
        with app.app_context():
            results.append(_take(25))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    numbers = [n for chunk in results for n in chunk]
    assert len(numbers) == 100 and len(set(numbers)) == 100


def _child(connection) -> None:
    db.engine.dispose(close=False)  # the parent's pooled connections are not ours
    connection.send(_take(5))


def test_a_forked_worker_reserves_its_own_block(app, session):
    parent = _take(1)  # this process now holds a partly used block
    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(target=_child, args=(sender,))
    process.start()
    child = receiver.recv()
    process.join(timeout=30)
    numbers = parent + child + _take(5)
    assert process.exitcode == 0 and len(set(numbers)) == len(numbers) == 11
