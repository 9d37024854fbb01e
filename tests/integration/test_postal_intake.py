"""Envelope registration: bad input changes nothing; numbering; the deadline judgement."""

from datetime import UTC, datetime, timedelta

import pytest

from models.audit import AuditEvent
from models.case import Case
from models.postal import PostalEnvelope
from tests.support import postal as support
from tests.support.postal import T0, body, register
from workflows.failures import Forbidden, InvalidInput
from workflows.postal.intake import DuplicateEnvelope, register_envelope

# Shared fixtures, found by pytest under these names.
postal = support.postal


def counts(session):
    return (session.query(PostalEnvelope).count(), session.query(Case).count(),
            session.query(AuditEvent).filter(AuditEvent.action.like("postal%")).count())


@pytest.mark.parametrize(("changes", "field"), [
    ({"postmark_date": "2026-06-02", "arrival_date": "2026-06-01"}, "postmark_date"),
    ({"arrival_date": "2026-06-02", "postmark_date": None}, "arrival_date"),
    ({"procedure_code": "NO_SUCH"}, "procedure_code"),
    ({"code": "POST_KISAI_SHOMEI", "money_orders": [{"number": "12-345", "amount": -350}]},
     "money_orders[0].amount"),
    ({"code": "POST_KISAI_SHOMEI", "money_orders": [{"number": "12-345", "amount": 333}]},
     "money_orders[0].amount"),
    ({"money_orders": [{"number": "12-345", "amount": 300}]}, "money_orders"),
    ({"sender": {"name": "川崎 花子", "postal_code": "999-9999"}}, "sender.postal_code"),
    ({"sender": {"name": "", "address": "川崎市"}}, "sender.name"),
    ({"enclosures": ["知らない書類"]}, "enclosures"),
    ({"case_id": "R8-999999"}, "case_id"),
])
def test_bad_input_names_the_field_and_changes_nothing(postal, session, changes, field):
    before = counts(session)
    with pytest.raises(InvalidInput) as failure:
        register_envelope(postal["people"]["mailroom"], body(**changes), T0)
    session.rollback()
    assert field in failure.value.errors and failure.value.errors[field][0]
    assert counts(session) == before


def test_a_second_registration_of_the_same_envelope_needs_confirmation(postal, session):
    first = register(postal)
    before = counts(session)
    with pytest.raises(DuplicateEnvelope) as warning:
        register_envelope(postal["people"]["mailroom"], body(arrival_date="2026-05-31",
                                                             postmark_date=None), T0)
    session.rollback()
    assert first.envelope.intake_number in warning.value.errors["confirm_duplicate"][0]
    assert counts(session) == before
    again = register(postal, confirm_duplicate=True)
    assert again.envelope.duplicate_of == first.envelope.intake_number


def test_only_the_mail_room_or_the_department_registers(postal, session):
    with pytest.raises(Forbidden, match="区民課"):
        register_envelope(postal["people"]["kourei"], body(), T0)
    session.rollback()
    assert register(postal, who="hoken").envelope.department.code == "HOKEN"


def test_intake_numbers_restart_with_the_fiscal_year(postal, session):
    march = datetime(2027, 3, 31, 3, 0, tzinfo=UTC)
    assert register(postal, now=march, arrival_date="2027-03-31").envelope.intake_number \
        == "郵R8-00001"
    april = march + timedelta(days=1)
    assert register(postal, now=april, arrival_date="2027-04-01", sender={
        "name": "別の人", "address": "川崎市"}).envelope.intake_number == "郵R9-00001"


def test_late_by_the_arrival_rule_after_golden_week(postal, session):
    # 転出届: 14 days after the move (2026-04-19 → 05-03, a holiday → 05-07), arrival counts.
    now = datetime(2026, 5, 8, 3, 0, tzinfo=UTC)
    done = register(postal, code="POST_TENSHUTSU", now=now, arrival_date="2026-05-08",
                    postmark_date="2026-05-07", event_date="2026-04-19")
    case = done.outcome.case
    assert done.envelope.late_days == 1 and case.data["late"] is True
    assert "必着" in case.data["judgement"] and "延長" in case.data["judgement"]
    in_time = register(postal, code="POST_TENSHUTSU", now=now, arrival_date="2026-05-07",
                       postmark_date="2026-05-02", event_date="2026-04-19",
                       sender={"name": "別の人", "address": "川崎市"})
    assert in_time.envelope.late_days is None and in_time.outcome.case.data["late"] is False


def test_money_orders_are_totalled(postal, session):
    done = register(postal, code="POST_KISAI_SHOMEI", money_orders=[
        {"number": "１２－３４５６", "amount": 300}, {"number": "12-3457", "amount": "50"}])
    assert done.envelope.money_order_total == 350
    assert done.envelope.money_orders[0]["number"] == "12-3456"
