"""Issue 15: a script stuck in one long C call puts its case in error within the deadline.

Before, starting such a case blocked the request for 30 s until gunicorn killed the worker,
and the timer runner had no bound at all.
"""

import time

import pytest

from tests.integration.runtime_support import T0, deploy, open_item
from tests.support.sandbox_timing import child_run_times, warm_pool
from workflows import cases
from workflows._limits import MAX_SECONDS

BOUND = MAX_SECONDS + 0.5
STOPPED = "式の実行に時間がかかりすぎたため停止しました。"


@pytest.fixture
def start(session, org, make_user):
    clerk = make_user("ward.h", roles=["ward_clerk"], departments=["HOKEN"])
    deploy("runaway_script.bpmn")
    warm_pool(2)  # starting sandbox processes is not what is timed

    def starter(*, runaway: bool, wait: bool = False):
        outcome = cases.start_case("runaway_script", {"runaway": runaway, "wait": wait},
                                   actor=clerk, department=org["departments"]["HOKEN"],
                                   office=org["offices"]["KAWASAKI"], now=T0)
        session.commit()
        return outcome

    return starter


def test_runaway_script_puts_the_case_in_error_within_the_deadline(start):
    assert start(runaway=False).case.status == "active"  # the process is parsed and cached
    started = time.perf_counter()
    with child_run_times() as ran:
        outcome = start(runaway=True)
    assert ran and max(ran) < BOUND  # the script itself was stopped on time,
    assert time.perf_counter() - started < BOUND + 2.0  # and the request is not held (was 30 s)
    case = outcome.case
    assert case.status == "error" and outcome.error
    assert case.error["element_id"] == "runaway"
    assert case.error["message"] == f"処理 runaway でエラーが発生しました: {STOPPED}"
    after = start(runaway=False).case  # the next evaluation works
    assert after.status == "active" and after.data["labels"] == ["0", "1", "2"]
    assert open_item(after).bpmn_id == "check_result"


def test_timer_runner_puts_a_runaway_case_in_error_and_goes_on(app, start, session):
    runaway = start(runaway=True, wait=True).case
    normal = start(runaway=False, wait=True).case
    assert runaway.status == normal.status == "waiting"
    started = time.perf_counter()
    with child_run_times() as ran:
        result = app.test_cli_runner().invoke(
            args=["timers", "run-due", "--now", "2026-06-02T09:01:00+09:00"])
    assert ran and max(ran) < BOUND  # each script stopped on time,
    assert time.perf_counter() - started < BOUND + 3.0  # and the runner went on (had no bound)
    assert result.exit_code == 0 and result.output.startswith("cases 2, timers 1"), \
        result.output
    session.expire_all()
    assert runaway.status == "error" and runaway.error["element_id"] == "runaway"
    assert runaway.error["message"].endswith(STOPPED)
    assert normal.status == "active" and normal.data["labels"] == ["0", "1", "2"]
