"""Every path of the postal_application process, through the postal operations."""

from datetime import date, timedelta

import pytest

from models.audit import AuditEvent
from models.postal import PostalDispatch, PostalEnvelope
from tests.support import postal as support
from tests.support.postal import T0, register, step_of
from workflows import cases, timers
from workflows.failures import Conflict, Forbidden, InvalidInput
from workflows.postal import dispatch, review

# Shared fixtures, found by pytest under these names.
postal = support.postal

PENSION_BOOK = "年金手帳または基礎年金番号通知書の写し"


def send(session, case, who, now=T0, **kw):
    line, outcome = dispatch.send(case, who, sent_on=kw.pop("sent_on", date(2026, 6, 1)),
                                  method=kw.pop("method", "ordinary"), now=now, **kw)
    session.commit()
    assert outcome.error is None
    return line


def decide(session, case, who, decision, now=T0, **kw):
    outcome = review.decide(case, who, decision=decision, missing=kw.pop("missing", []),
                            message=kw.pop("message", ""), now=now)
    session.commit()
    assert outcome.error is None


def test_registration_starts_a_case_in_the_departments_review_queue(postal, session):
    done = register(postal)
    envelope, case = done.envelope, done.outcome.case
    assert envelope.intake_number == "郵R8-00001"
    assert envelope.sender_postal_code == "210-0001"
    assert envelope.sender_address == "神奈川県川崎市川崎区本町"
    assert case.process_id == "postal_application" and case.reference == "郵R8-00001"
    assert case.department.code == "HOKEN" and step_of(case) == "review"
    assert register(postal, arrival_date="2026-05-20", postmark_date=None, sender={
        "name": "別人", "address": "川崎市"}).envelope.intake_number == "郵R8-00002"


def test_complete_path_posts_the_result(postal, session):
    people = postal["people"]
    case = register(postal).outcome.case
    decide(session, case, people["hoken"], "complete")
    assert step_of(case) == "send_result"
    line = send(session, case, people["hoken"], method="simple_registered",
                tracking_number="123-45-67890-1")
    assert case.status == "completed" and case.data["outcome"] == "completed"
    assert (line.kind, line.outcome, line.recipient_name) == ("result", "completed", "川崎 花子")


def test_incomplete_path_letter_then_documents_again_then_completed(postal, session):
    people = postal["people"]
    case = register(postal).outcome.case
    decide(session, case, people["hoken"], "incomplete",
           missing=[PENSION_BOOK], message="写しが同封されていません。")
    assert step_of(case) == "send_letter"
    assert case.data["letter_due"] == "2026-06-15"  # 14 days, a Monday
    letter = send(session, case, people["hoken"])
    assert letter.kind == "correction" and letter.missing == [PENSION_BOOK]
    assert step_of(case) == "await_documents"
    again = register(postal, who="hoken", case_id=case.number, arrival_date="2026-06-05",
                     postmark_date="2026-06-04", now=T0 + timedelta(days=4),
                     sender={"name": "川崎 花子", "postal_code": "2100001"},
                     confirm_duplicate=True)
    assert again.envelope.kind == "correction" and again.outcome.case.id == case.id
    assert step_of(case) == "review"
    decide(session, case, people["hoken"], "complete", now=T0 + timedelta(days=5))
    send(session, case, people["hoken"], now=T0 + timedelta(days=5))
    assert case.status == "completed"
    assert [e.kind for e in session.query(PostalEnvelope).order_by(PostalEnvelope.id)] == [
        "new", "correction"]


def test_no_answer_reminder_after_n_days_then_withdrawn_after_m_days(postal, session):
    people = postal["people"]
    case = register(postal).outcome.case
    decide(session, case, people["hoken"], "incomplete", message="署名がありません。")
    send(session, case, people["hoken"])
    assert timers.run_due(T0 + timedelta(days=14))["timers"] == 0  # due 06-15 23:59
    assert timers.run_due(T0 + timedelta(days=15))["timers"] == 1
    session.refresh(case)
    assert step_of(case) == "send_reminder"
    reminder = send(session, case, people["hoken"], sent_on=date(2026, 6, 16),
                    now=T0 + timedelta(days=15))
    assert reminder.kind == "reminder" and reminder.due_date == date(2026, 7, 1)
    assert step_of(case) == "await_documents" and case.data["reminded_round"] == 1
    assert timers.run_due(T0 + timedelta(days=29))["timers"] == 0
    timers.run_due(T0 + timedelta(days=31))
    session.refresh(case)
    assert case.status == "completed"
    assert (case.data["outcome"], case.data["withdrawn_reason"]) == ("withdrawn", "expired")


def test_withdrawn_while_the_reminder_is_not_yet_sent(postal, session):
    people = postal["people"]
    case = register(postal).outcome.case
    decide(session, case, people["hoken"], "incomplete", message="署名がありません。")
    send(session, case, people["hoken"])
    timers.run_due(T0 + timedelta(days=15))
    timers.run_due(T0 + timedelta(days=31))
    session.refresh(case)
    assert case.status == "completed" and case.data["withdrawn_reason"] == "expired"


def test_documents_arriving_before_the_reminder_is_posted_go_to_review(postal, session):
    people = postal["people"]
    case = register(postal).outcome.case
    decide(session, case, people["hoken"], "incomplete", message="署名がありません。")
    send(session, case, people["hoken"])
    timers.run_due(T0 + timedelta(days=15))
    session.refresh(case)
    register(postal, who="hoken", case_id=str(case.id), arrival_date="2026-06-16",
             now=T0 + timedelta(days=15), confirm_duplicate=True)
    assert step_of(case) == "review"


def test_applicant_withdraws_while_documents_are_awaited(postal, session):
    people = postal["people"]
    case = register(postal).outcome.case
    decide(session, case, people["hoken"], "incomplete", message="署名がありません。")
    send(session, case, people["hoken"])
    review.withdraw(case, people["hoken"], note="取下書が届いた", now=T0)
    session.commit()
    assert case.status == "completed" and case.data["withdrawn_reason"] == "applicant"


def test_reject_needs_the_supervisor_then_the_result_is_posted(postal, session):
    people = postal["people"]
    case = register(postal).outcome.case
    decide(session, case, people["hoken"], "reject", message="対象外です。")
    assert step_of(case) == "confirm_rejection"
    review.confirm_rejection(case, people["sup"], approval="send_back", note="", now=T0)
    session.commit()
    assert step_of(case) == "review"
    decide(session, case, people["hoken"], "reject", message="対象外です。")
    review.confirm_rejection(case, people["sup"], approval="approve", note="", now=T0)
    session.commit()
    line = send(session, case, people["hoken"])
    assert (line.outcome, case.data["outcome"], case.status) == ("rejected", "rejected",
                                                                 "completed")


def test_a_letter_for_a_case_of_another_department_is_refused(postal, session):
    people = postal["people"]
    case = register(postal).outcome.case
    decide(session, case, people["hoken"], "incomplete", message="署名がありません。")
    with pytest.raises(Forbidden, match="保険年金課"):
        dispatch.send(case, people["kourei"], sent_on=date(2026, 6, 1), method="ordinary",
                      now=T0)
    session.rollback()
    assert session.query(PostalDispatch).count() == 0 and step_of(case) == "send_letter"


def test_steps_cannot_be_completed_from_the_generic_task_page(postal, session):
    people = postal["people"]
    case = register(postal).outcome.case
    from workflows.postal.steps import open_step

    with pytest.raises(InvalidInput) as failure:
        cases.complete_task(open_step(case), {"decision": "complete"}, actor=people["hoken"])
    assert "郵送申請" in str(failure.value.errors) or "postal" in str(failure.value.errors)
    session.rollback()
    with pytest.raises(Conflict):
        dispatch.send(case, people["hoken"], sent_on=date(2026, 6, 1), method="ordinary",
                      now=T0)


def test_every_change_is_audited(postal, session):
    people = postal["people"]
    case = register(postal).outcome.case
    decide(session, case, people["hoken"], "complete")
    send(session, case, people["hoken"])
    actions = {a for (a,) in session.query(AuditEvent.action)}
    assert {"postal_envelope_registered", "case_started", "postal_reviewed",
            "task_completed", "postal_dispatched"} <= actions
