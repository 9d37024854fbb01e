"""申込番号: 8-digit application numbers, unique and not guessable in sequence.

A gap-free counter (``models.counter``, one UPDATE … RETURNING, safe under concurrency) gives
the n-th submission; a keyed Feistel permutation maps n to an 8-digit number. Feistel networks
are bijections, so distinct counter values always give distinct numbers (no retry loop in the
normal case); the key (HMAC-SHA256 of SECRET_KEY, or APPLICATION_NUMBER_KEY when set) makes the
order unpredictable: 21443380 says nothing about the number before or after it. The network
works on 0 … 99,999,999 (two halves of 10^4) and "cycle-walks" until the value falls in the 9 ×
10^7 numbers without a leading zero, which keeps it a bijection on that range.

Changing the key later would restart the sequence with another permutation; each reserved
block is checked against the numbers already issued (one query per block) and any of them is
skipped.

Serials are reserved in blocks of ``BLOCK`` per worker process, each block in a short
transaction of its own (``models.counter.reserve``): taking a number then writes nothing in the
caller's transaction, so on SQLite the write lock is not taken until the case's rows go in, and
on PostgreSQL submissions do not queue on the counter row. Serials of a block that a process
never used, or of a transaction that rolled back, are skipped; nobody can tell, since the
numbers are permuted anyway, and none is ever issued twice.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from flask import current_app
from sqlalchemy import bindparam, select

from models.application import Application
from models.counter import next_value, reserve
from models.db import db
from models.prepared import Prepared

COUNTER = "application_number"
HALF = 10**4
LOW = 10**7  # the smallest 8-digit number
SPAN = 9 * 10**7  # how many 8-digit numbers there are
ROUNDS = 8
BLOCK = 20  # serials reserved at a time by one worker process
_BLOCK = "madoguchi_application_numbers"  # the app's _Block, in app.extensions
_TAKEN = Prepared(select(Application.id).where(Application.number == bindparam("number")))


def _key() -> bytes:
    secret = current_app.config.get("APPLICATION_NUMBER_KEY") or current_app.config["SECRET_KEY"]
    return _derive(str(secret))


@lru_cache(maxsize=8)
def _derive(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"madoguchi application number", hashlib.sha256).digest()


def _round(key: bytes, index: int, half: int) -> int:
    digest = hmac.new(key, f"{index}:{half}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % HALF


def _feistel(value: int, key: bytes) -> int:
    left, right = divmod(value, HALF)
    for index in range(ROUNDS):
        left, right = right, (left + _round(key, index, right)) % HALF
    return left * HALF + right


def permute(serial: int, key: bytes) -> int:
    """The 8-digit number for serial 0 … 89,999,999 (a bijection for a fixed key)."""
    if not 0 <= serial < SPAN:
        raise ValueError("application numbers are exhausted")
    value = _feistel(serial, key)
    while value >= SPAN:  # cycle-walking: stays a permutation of 0 … SPAN-1
        value = _feistel(value, key)
    return value + LOW


@dataclass
class _Block:
    """This process's reserved numbers, already checked unused, in the order handed out."""

    pid: int = 0
    numbers: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: bytes) -> str:
        with self.lock:
            while self.pid != os.getpid() or not self.numbers:  # used up, or a forked copy
                self.pid, self.numbers = os.getpid(), _reserve_block(key)
            return self.numbers.pop()


def _reserve_block(key: bytes) -> list[str]:
    """BLOCK new serials as numbers, minus any already issued (after a key change)."""
    first = reserve(COUNTER, BLOCK)
    numbers = [str(permute(serial - 1, key)) for serial in range(first, first + BLOCK)]
    taken = set(db.session.connection().scalars(  # one look for the whole block; no autoflush
        select(Application.number).where(Application.number.in_(numbers))))
    return [n for n in reversed(numbers) if n not in taken]


def _in_write_transaction() -> bool:
    """On SQLite, whether this transaction already holds the write lock."""
    connection = db.session.connection()
    return connection.dialect.name == "sqlite" and \
        connection.connection.dbapi_connection.in_transaction


def next_number() -> str:
    """Take the next application number; it is never issued again, even after a rollback."""
    key = _key()
    if not _in_write_transaction():
        extensions = current_app.extensions
        block = extensions.get(_BLOCK) or extensions.setdefault(_BLOCK, _Block())
        return block.take(key)
    while True:  # a separate transaction would wait for this one's lock: take one here
        number = str(permute(next_value(COUNTER) - 1, key))
        if _TAKEN.execute(db.session.connection(), {"number": number}).first() is None:
            return number
