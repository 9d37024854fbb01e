"""A case goes round its correction loop 1,000 times through the operations layer."""

import json

import pytest

from tests.integration.runtime_support import T0, deploy, open_item

ROUNDS = 1000


@pytest.mark.slow
def test_thousand_correction_rounds_keep_the_state_small(app, org, make_user, session):
    from workflows import cases

    clerk = make_user("ward.h", roles=["ward_clerk"], departments=["HOKEN"])
    deploy("correction_loop.bpmn")
    case = cases.start_case("correction_loop", {}, actor=clerk, now=T0,
                            department=org["departments"]["HOKEN"]).case
    session.commit()
    sizes = []
    for n in range(ROUNDS):
        cases.complete_task(open_item(case, "review"), {"decision": "return", "reason": "x"},
                            actor=clerk, now=T0)
        cases.complete_task(open_item(case, "await_correction"),
                            {"resubmitted_on": "2026-06-02"}, actor=clerk, now=T0)
        session.commit()
        if n in (0, ROUNDS - 1):
            sizes.append(len(json.dumps(case.state)))
    assert case.data["return_count"] == ROUNDS and case.rounds >= ROUNDS
    assert sizes[1] < sizes[0] * 1.5  # the saved state does not grow with the rounds
    cases.complete_task(open_item(case, "review"), {"decision": "accept"}, actor=clerk, now=T0)
    session.commit()
    assert case.status == "completed"
