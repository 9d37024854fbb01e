"""Every path of the online_application process through the application operations."""

from datetime import timedelta

import pytest
from werkzeug.datastructures import MultiDict

from japan.calendar import to_jst
from models.application import Application
from models.attachment import Attachment
from models.audit import AuditEvent
from models.case import Case
from tests.support import applications as support
from tests.support.applications import (
    T0,
    count,
    duplicate_rows,
    kaigo_fields,
    outbox,
    sodai_fields,
    workbook,
)
from workflows import cases, timers
from workflows.applications import correction, drafts, review, sync
from workflows.applications.catalogue import by_code
from workflows.applications.files import Upload
from workflows.applications.steps import REVIEW, open_step
from workflows.failures import Conflict, InvalidInput

# Shared fixtures, found by pytest under these names.
app_config, world = support.app_config, support.world


@pytest.fixture
def submit(world, session):
    def submitter(code="KAIGO_TORISAGE", fields=None, files=None, applicant="a", now=T0):
        procedure = by_code(code)
        if fields is None:
            fields = kaigo_fields() if code == "KAIGO_TORISAGE" else sodai_fields()
        if files is None and code == "KAIGO_TORISAGE":
            files = {"attachment": Upload("kago(1234567890).xlsx", workbook())}
        draft = drafts.save(world[applicant], procedure, None, MultiDict(fields), files or {},
                            complete=True, now=now)
        application = drafts.submit(world[applicant], draft, now)
        session.commit()
        return application

    return submitter


def decide(session, application, actor, decision, *, message="", fields=(), now=T0):
    outcome = review.decide(application, actor, decision=decision, message=message,
                            fields_to_fix=list(fields), now=now)
    session.commit()
    return outcome


def kinds(application) -> list[str]:
    return [m.kind for m in outbox() if m.application_id == application.id]


def test_submission_numbers_the_application_and_starts_a_review(submit, world):
    application = submit()
    assert len(application.number) == 8 and application.number.isdigit()
    assert application.status == "submitted" and application.case.reference == application.number
    assert application.case.subject_name == "川崎市デジタル化推進室 川崎介護事業所"
    item = open_step(application, REVIEW)
    assert item.role == "ward_clerk"
    assert item.department_id == world["kourei"].departments[0].id
    [notice] = outbox("submitted")
    assert notice.to_addr == "notice@example.jp"  # the form's 送信先 address
    assert application.number in notice.subject and "申請を受け付けました" in notice.body


def test_accept_path_notifies_the_applicant(submit, world, session):
    application = submit()
    decide(session, application, world["kourei"], "accept", message="受理しました。")
    assert application.status == "accepted" and application.case.status == "completed"
    assert kinds(application) == ["submitted", "accepted"]
    assert "受理しました。" in outbox("accepted")[0].body


def test_reject_needs_the_supervisors_approval(submit, world, session):
    application = submit()
    decide(session, application, world["kourei"], "reject", message="対象外の請求です")
    assert application.status == "submitted" and kinds(application) == ["submitted"]
    review.confirm_rejection(application, world["sup"], approval="send_back", note="", now=T0)
    session.commit()
    decide(session, application, world["kourei"], "reject", message="取下げ対象の請求がありません")
    with pytest.raises(Conflict):
        review.decide(application, world["kourei"], decision="accept", message="",
                      fields_to_fix=[], now=T0)
    session.rollback()
    review.confirm_rejection(application, world["sup"], approval="approve", note="", now=T0)
    session.commit()
    assert application.status == "rejected"
    assert "取下げ対象の請求がありません" in outbox("rejected")[0].body


def test_three_correction_rounds_keep_what_was_asked_and_what_changed(submit, world, session):
    application = submit()
    asked = [["office_name", "attachment"], ["remarks"], ["phone"]]
    answers = [({"office_name": "川崎介護センター"}, {"attachment": Upload(
        "kago(1234567890).xlsx", workbook(duplicate_rows()))}),
        ({"remarks": "再提出します"}, {}), ({"phone": "0442000000", "remarks": "無視"}, {})]
    for number, (fields, (values, files)) in enumerate(zip(asked, answers, strict=True), 1):
        now = T0 + timedelta(days=3 * number)
        decide(session, application, world["kourei"], "return", message=f"第{number}回",
               fields=fields, now=now)
        assert application.status == "returned" and application.round == number
        assert correction.editable_fields(application) >= set(fields)
        correction.resubmit(world["a"], application, MultiDict(values), files, now)
        session.commit()
        assert application.status == "submitted"
    rounds = application.rounds
    assert [r.number for r in rounds] == [1, 2, 3]
    assert [r.fields_to_fix for r in rounds] == asked
    assert rounds[0].changes == {"office_name": ["川崎介護事業所", "川崎介護センター"],
                                 "attachment": ["kago(1234567890).xlsx",
                                                "kago(1234567890).xlsx"]}
    assert rounds[1].changes == {"remarks": ["連絡事項はありません", "再提出します"]}
    # Only the asked field changed in round 3: the remarks stay as they were.
    assert rounds[2].changes == {"phone": ["044-200-2077", "0442000000"]}
    assert application.fields["remarks"] == "再提出します"
    assert all(r.outcome == "resubmitted" and r.answered_at for r in rounds)
    # The replaced workbook stays stored (for staff); the new one brought error 9554.
    assert count(Attachment, Attachment.application_id == application.id) == 2
    assert [f["code"] for f in application.findings] == ["9554"]
    assert kinds(application) == ["submitted"] + ["returned", "resubmitted"] * 3
    returned = outbox("returned")[0]
    assert "第1回" in returned.body and "事業所名、添付書類" in returned.body
    history = session.query(AuditEvent).filter(
        AuditEvent.object_type == "case", AuditEvent.object_id == str(application.case_id),
        AuditEvent.action == "application_corrected").all()
    assert history[0].details["changed"]["事業所名"] == ["川崎介護事業所", "川崎介護センター"]
    decide(session, application, world["kourei"], "accept", now=T0 + timedelta(days=20))
    assert application.status == "accepted" and application.case.rounds >= 3


def test_an_unanswered_return_is_reminded_then_withdrawn(submit, world, session):
    application = submit("SODAI_GOMI")
    decide(session, application, world["kumin"], "return", message="品目を詳しく",
           fields=["items"])
    due = application.current_round.due_at
    assert to_jst(due).strftime("%Y-%m-%d %H:%M") == "2026-06-15 23:59"  # 14 days
    assert timers.run_due(T0 + timedelta(days=6))["timers"] == 0
    assert timers.run_due(T0 + timedelta(days=8))["timers"] == 1
    assert sync.reconcile(T0 + timedelta(days=8)) == 1
    assert sync.reconcile(T0 + timedelta(days=8)) == 0  # nothing twice
    session.expire_all()
    assert application.current_round.reminded_at is not None and application.status == "returned"
    assert "補正期限" in outbox("reminder")[0].body
    timers.run_due(T0 + timedelta(days=15))
    sync.reconcile(T0 + timedelta(days=15))
    session.expire_all()
    assert application.status == "withdrawn" and application.current_round.outcome == "expired"
    assert kinds(application) == ["submitted", "returned", "reminder", "withdrawn"]
    assert "取下げとして扱いました" in outbox("withdrawn")[0].body


def test_the_applicant_can_withdraw_instead_of_correcting(submit, world, session):
    application = submit("SODAI_GOMI")
    decide(session, application, world["kumin"], "return", message="x", fields=["items"])
    correction.withdraw(world["a"], application, T0)
    session.commit()
    assert application.status == "withdrawn" and application.current_round.outcome == "withdrawn"
    assert "取り下げました" in outbox("withdrawn")[0].body
    with pytest.raises(Conflict):
        correction.withdraw(world["a"], application, T0)


def test_steps_cannot_be_completed_outside_the_application_screens(submit, world, session):
    application = submit("SODAI_GOMI")
    item = open_step(application, REVIEW)
    with pytest.raises(InvalidInput) as info:
        cases.complete_task(item, {"decision": "accept"}, actor=world["kumin"], now=T0)
    assert "電子申請の申請画面" in info.value.errors["decision"][0]
    session.rollback()
    with pytest.raises(InvalidInput) as bad:
        review.decide(application, world["kumin"], decision="return", message="",
                      fields_to_fix=[], now=T0)
    assert set(bad.value.errors) == {"message", "fields_to_fix"}
    session.rollback()
    with pytest.raises(InvalidInput):
        review.decide(application, world["kumin"], decision="return", message="x",
                      fields_to_fix=["no_such_field"], now=T0)
    session.rollback()
    assert application.status == "submitted" and count(Case) == 1


def test_a_cancelled_case_closes_the_application(submit, world, session):
    from workflows import supervision

    application = submit("SODAI_GOMI")
    supervision.cancel_case(application.case, world["sup"], "重複申請", now=T0)
    session.commit()
    assert sync.reconcile(T0) == 0  # changed, but no notice
    session.expire_all()
    assert application.status == "cancelled" and kinds(application) == ["submitted"]
    assert count(Application, Application.status == "cancelled") == 1


def test_every_demo_procedure_is_reviewed_in_a_team_queue(submit, world, session):
    """粗大ごみ収集申込 had no department: its review sat in nobody's queue."""
    from webapp.seed_applications import CATALOGUE
    from workflows.worklist.teams import teams_of

    assert all(dept for _code, _name, _aud, _cat, _org, dept, *_rest in CATALOGUE)
    item = open_step(submit("SODAI_GOMI"), REVIEW)
    teams = {(t.role, t.office_id, t.department_id) for t in teams_of(world["kumin"])}
    assert (item.role, item.office_id, item.department_id) in teams


def test_a_procedure_without_a_department_accepts_nothing(submit, world, session):
    procedure = by_code("SODAI_GOMI")
    procedure.department = None  # as the demo seeded it before, bypassing the catalogue
    session.commit()
    with pytest.raises(InvalidInput) as refused:
        submit("SODAI_GOMI")
    assert "受け付けていません" in refused.value.errors["procedure_code"][0]
    session.rollback()
    assert count(Case) == 0 and count(Application, Application.number.isnot(None)) == 0


def test_a_process_whose_first_task_goes_nowhere_refuses_the_application(submit, session):
    """An online application has no office: a process starting at a branch counter would put
    its first task in no queue. The applicant is told the procedure is not accepting."""
    from tests.integration.runtime_support import fixture_files
    from workflows import registry

    [(name, xml)] = fixture_files("correction_loop.bpmn").items()
    registry.deploy({name: xml.replace(b'name="ward_clerk"', b'name="branch_clerk"')
                     .replace(b"correction_loop", b"counter_loop")}, None)
    by_code("SODAI_GOMI").process_id = "counter_loop"
    session.commit()
    with pytest.raises(InvalidInput) as refused:
        submit("SODAI_GOMI")
    assert "受け付けていません" in refused.value.errors["procedure_code"][0]
    session.rollback()
    assert count(Case) == 0 and count(Application, Application.number.isnot(None)) == 0
