"""Receipt numbers: serial per (branch, type, fiscal year), gap-free and unique under races."""

import multiprocessing
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models.receipt import ReceiptLine
from tests.conftest import _config
from tests.support import forwarding as support
from tests.support.forwarding import T0, issue
from workflows.failures import Conflict
from workflows.forwarding import cancel

# Shared fixtures, found by pytest under these names.
fw = support.fw

PER_PROCESS = 5
PROCESSES = 3


def _numbers(session, office_code=None):
    session.expire_all()
    query = select(ReceiptLine.number).order_by(ReceiptLine.id)
    return list(session.scalars(query))


def test_serials_count_per_branch_type_and_fiscal_year(fw, session):
    first = issue(fw, ("HK", 1), ("HK", 2), ("IR", 1))
    assert first.receipts[0].numbers == ["大師-R8-HK-00001", "大師-R8-HK-00002",
                                         "大師-R8-IR-00001"]
    other_dept = issue(fw, ("KN", 1), ("HK", 1))
    assert [r.numbers for r in other_dept.receipts] == [["大師-R8-KN-00001"],
                                                         ["大師-R8-HK-00003"]]
    tajima = issue(fw, ("HK", 1), who="tajima", office="TAJIMA")
    assert tajima.receipts[0].numbers == ["田島-R8-HK-00001"]


def test_fiscal_year_rollover_restarts_at_one_with_the_new_era_year(fw, session):
    last_night = datetime(2026, 3, 31, 14, 59, tzinfo=UTC)  # 23:59 JST on 3月31日
    morning = datetime(2026, 3, 31, 15, 0, tzinfo=UTC)  # 00:00 JST on 4月1日
    issue(fw, ("HK", 1), now=last_night)
    march = issue(fw, ("HK", 1), now=last_night).receipts[0]
    april = issue(fw, ("HK", 1), now=morning).receipts[0]
    assert march.numbers == ["大師-R7-HK-00002"] and march.lines[0].fiscal_year == 2025
    assert april.numbers == ["大師-R8-HK-00001"] and april.lines[0].fiscal_year == 2026


def test_cancelled_numbers_are_never_reused_and_rollback_leaves_no_gap(fw, session):
    [receipt] = issue(fw, ("HK", 1)).receipts
    cancel.cancel_lines(fw["people"]["daishi"], receipt, "記載誤り", now=T0)
    session.commit()
    # A failed issue rolls its numbers back: the next issue continues without a gap.
    from workflows.forwarding.issue import LineRequest, Resident, issue_receipts

    issue_receipts(fw["people"]["daishi"], fw["offices"]["DAISHI"], Resident("川崎 花子"),
                   [LineRequest("HK", 1)], now=T0)
    session.rollback()
    issue(fw, ("HK", 1))
    assert _numbers(session) == ["大師-R8-HK-00001", "大師-R8-HK-00002"]
    line = session.scalar(select(ReceiptLine).where(ReceiptLine.number == "大師-R8-HK-00001"))
    assert line.status == "cancelled" and line.cancel_reason == "記載誤り"
    assert line.cancelled_by.username == "branch.daishi"


def test_duplicate_numbers_are_refused_by_the_database(fw, session):
    [receipt] = issue(fw, ("HK", 1)).receipts
    line = receipt.lines[0]
    session.add(ReceiptLine(receipt=receipt, number=line.number, fiscal_year=2026, serial=99,
                            office=line.office, department=line.department,
                            document_type=line.document_type, sheets=1, issued_at=T0))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    session.add(ReceiptLine(receipt=receipt, number="other", fiscal_year=2026, serial=1,
                            office=line.office, department=line.department,
                            document_type=line.document_type, sheets=1, issued_at=T0))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_number_format_is_configurable(fw, session, app):
    app.config["FORWARDING_RECEIPT_FORMAT"] = "{branch_code}/{fy}/{type}/{serial:04d}"
    assert issue(fw, ("HK", 1)).receipts[0].numbers == ["DAISHI/2026/HK/0001"]
    app.config["FORWARDING_RECEIPT_FORMAT"] = "{branch}-{serial}"
    from workflows.forwarding.numbering import NumberFormatError

    with pytest.raises(NumberFormatError, match="serial"):
        issue(fw, ("HK", 1))
    session.rollback()


def test_issuing_the_same_receipt_twice_at_once_is_a_conflict(fw, session):
    [receipt] = issue(fw, ("HK", 1)).receipts
    from workflows.forwarding.bags import dispatch_bag

    dispatch_bag(fw["people"]["daishi"], receipt.office, [receipt], now=T0)
    session.commit()
    with pytest.raises(Conflict, match="回送済み"):
        dispatch_bag(fw["people"]["daishi2"], receipt.office, [receipt], now=T0)
    session.rollback()


def _issue_many(db_url: str, username: str, count: int, barrier, queue) -> None:
    """Runs in its own process, like another clerk's browser or another app server."""
    from models.office import Office
    from models.user import User
    from webapp import create_app
    from webapp.extensions import db
    from workflows.forwarding.issue import LineRequest, Resident, issue_receipts

    numbers: list = []
    try:
        app = create_app(_config(db_url))
        with app.app_context():
            user = db.session.scalar(select(User).where(User.username == username))
            office = db.session.scalar(select(Office).where(Office.code == "DAISHI"))
            barrier.wait(timeout=60)
            for i in range(count):
                issued = issue_receipts(user, office, Resident(f"区民 {username} {i}"),
                                        [LineRequest("HK", 1), LineRequest("IR", 1)], now=T0)
                numbers += [n for r in issued.receipts for n in r.numbers]
                db.session.commit()
            db.session.remove()
            db.engine.dispose()
    except Exception as exc:  # report instead of leaving the parent waiting
        numbers.append(f"error: {exc!r}")
    queue.put(numbers)


def test_concurrent_issues_from_several_processes_give_every_number_once(fw, session, db_url):
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(PROCESSES), ctx.Queue()
    users = ["branch.daishi", "branch.daishi2", "branch.daishi"]
    procs = [ctx.Process(target=_issue_many, args=(db_url, u, PER_PROCESS, barrier, queue))
             for u in users[:PROCESSES]]
    for p in procs:
        p.start()
    results = [queue.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(30)
    issued = [n for r in results for n in r]
    assert not [n for n in issued if n.startswith("error")]
    total = PROCESSES * PER_PROCESS
    assert len(issued) == len(set(issued)) == 2 * total
    stored = _numbers(session)
    for code in ("HK", "IR"):
        expected = [f"大師-R8-{code}-{n:05d}" for n in range(1, total + 1)]
        assert sorted(n for n in stored if f"-{code}-" in n) == expected
