"""The one-statement loader and the one-statement case insert behave like the ORM."""

import pytest
from sqlalchemy import inspect, select, update

from models.case import Case
from models.work_item import WorkItem
from tests.integration.runtime_support import T0, case_actions, deploy, open_item
from workflows import cases, loading
from workflows.failures import Conflict


@pytest.fixture
def clerk(make_user):
    return make_user("ward.h", roles=["ward_clerk"], departments=["HOKEN"])


@pytest.fixture
def start(session, org, clerk):
    deploy("correction_loop.bpmn")

    def starter():
        outcome = cases.start_case("correction_loop", {"amount": 3}, actor=clerk,
                                   department=org["departments"]["HOKEN"],
                                   office=org["offices"]["KAWASAKI"],
                                   subject_name="川崎 太郎", subject_kana="かわさき たろう",
                                   now=T0)
        session.commit()
        return outcome

    return starter


def _columns(obj) -> dict:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}


def test_loader_gives_what_the_orm_gives_and_nothing_pending(start, session):
    outcome = start()
    task_id = outcome.new_task_ids[0]
    by_orm = open_item(outcome.case)
    expected_item, expected_case = _columns(by_orm), _columns(outcome.case)
    session.expunge_all()

    item = loading.work_item_by_task_id(task_id)
    assert _columns(item) == expected_item and _columns(item.case) == expected_case
    assert inspect(item).persistent and inspect(item.case).persistent
    assert not session.dirty and not session.new
    assert loading.work_item_by_task_id("no-such-task") is None


def test_loader_keeps_objects_already_in_the_session(start, session):
    outcome = start()
    item = loading.work_item_by_task_id(outcome.new_task_ids[0])
    assert item.case is outcome.case
    assert loading.work_item_by_task_id(outcome.new_task_ids[0]) is item


def test_a_loaded_item_completes_and_a_stale_case_is_a_conflict(start, session, clerk):
    first, second = start(), start()
    session.expunge_all()

    item = loading.work_item_by_task_id(first.new_task_ids[0])
    cases.complete_task(item, {"decision": "accept"}, actor=clerk, now=T0)
    session.commit()
    session.expunge_all()
    case = session.scalar(select(Case).where(Case.id == first.case.id))
    assert case.status == "completed" and case.version == 2
    assert case_actions(case) == ["case_started", "task_completed", "case_completed"]

    item = loading.work_item_by_task_id(second.new_task_ids[0])
    session.execute(update(Case).where(Case.id == second.case.id)  # someone else saved it
                    .values(version=Case.version + 1)
                    .execution_options(synchronize_session=False))
    with pytest.raises(Conflict):
        cases.complete_task(item, {"decision": "accept"}, actor=clerk, now=T0)
    session.rollback()
    assert session.get(WorkItem, item.id).status == "open"


def test_started_case_object_matches_its_row(start, session):
    case = start().case
    seen = _columns(case)
    session.expire(case)
    assert _columns(case) == seen
    assert seen["status"] == "active" and seen["version"] == 1 and seen["rounds"] == 0
    assert seen["subject_key"] == "川崎太郎" and seen["subject_kana"] == "カワサキタロウ"
    assert seen["error"] is None and seen["completed_at"] is None


def test_a_case_started_after_a_rollback_is_not_confused_with_the_rolled_back_one(
        start, session, org, clerk):
    start()
    rolled_back = cases.start_case("correction_loop", {"amount": 1}, actor=clerk,
                                   department=org["departments"]["HOKEN"],
                                   office=org["offices"]["KAWASAKI"],
                                   subject_name="取消 花子", now=T0).case
    session.rollback()  # the object stays referenced, as a request's local would
    outcome = start()  # SQLite may hand out the rolled-back id again
    assert outcome.case is not rolled_back
    session.expire_all()
    stored = session.get(Case, outcome.case.id)
    assert stored.subject_name == "川崎 太郎" and stored.version == outcome.case.version
    assert session.scalar(select(Case.id).where(Case.subject_name == "取消 花子")) is None
