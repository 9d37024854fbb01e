"""Deploy validation: each broken file yields a problem naming the element and the fix."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from workflows.validation import Problem, validate_files

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn"
ROLES = {"branch_clerk", "ward_clerk", "supervisor"}
KEYS = {"custody_receipt", "supervisor_approval"}


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def check(files: dict[str, str | bytes]) -> list[Problem]:
    raw = {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}
    return validate_files(raw, known_roles=ROLES, form_keys=KEYS)


def changed(name: str, old: str, new: str) -> list[Problem]:
    text = read(name)
    assert old in text, old
    files: dict[str, str | bytes] = {name: text.replace(old, new)}
    if name == "fee_decision.bpmn":
        files["fee_rules.dmn"] = read("fee_rules.dmn")
    return check(files)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize("names", [("forwarding.bpmn",), ("correction_loop.bpmn",),
                                   ("fee_decision.bpmn", "fee_rules.dmn"),
                                   ("reminder_loop.bpmn",)])
def test_fixtures_are_valid(names: tuple[str, ...]) -> None:
    assert check({n: read(n) for n in names}) == []


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol9;</bpmn:definitions>
"""


def test_billion_laughs_is_refused() -> None:
    started = time.perf_counter()
    problem = only(check({"lol.bpmn": BILLION_LAUGHS}))
    assert problem.file == "lol.bpmn" and "DOCTYPE" in problem.message
    assert time.perf_counter() - started < 0.5


def test_external_entity_is_refused_and_nothing_is_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    for target in ("file:///etc/passwd", secret.as_uri()):
        xml = (f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "{target}">]>\n'
               '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
               '<bpmn:process id="p" isExecutable="true"><bpmn:documentation>&x;'
               '</bpmn:documentation></bpmn:process></bpmn:definitions>')
        problem = only(check({"xxe.bpmn": xml}))
        assert "DOCTYPE" in problem.message
        assert "TOP-SECRET" not in problem.message and "root:" not in problem.message


def test_size_cap_and_broken_xml() -> None:
    big = validate_files({"big.bpmn": b"<a/>" + b" " * 3_000}, known_roles=ROLES,
                         form_keys=KEYS, max_bytes=2_000)
    assert "larger than" in only(big).message
    assert "well-formed" in only(check({"bad.bpmn": "<bpmn:definitions"})).message
    assert "UTF-8" in only(check({"u16.bpmn": "<a/>".encode("utf-16")})).message


def test_xsd_errors_name_the_element() -> None:
    problem = only(changed("correction_loop.bpmn", '<bpmn:userTask id="review" name="審査">',
                           '<bpmn:userTask id="review" name="審査" color="red">'))
    assert problem.element_id == "review" and "schema" in problem.message
    dmn = read("fee_rules.dmn").replace('hitPolicy="FIRST"', 'hitPolicy="SOMETIMES"')
    problem = only(check({"fee_decision.bpmn": read("fee_decision.bpmn"), "fee_rules.dmn": dmn}))
    assert problem.file == "fee_rules.dmn" and problem.element_id == "table_fee_rules"


def test_no_executable_process() -> None:
    problem = only(changed("forwarding.bpmn", 'isExecutable="true"', 'isExecutable="false"'))
    assert "isExecutable" in problem.message


@pytest.mark.parametrize(("old", "new", "element"), [
    ("end_accepted", "End", "End"),
    ("start_received", "Start", "Start"),
    ("close_case", "correction_loop.EndJoin", "correction_loop.EndJoin"),
])
def test_reserved_ids_are_refused(old: str, new: str, element: str) -> None:
    problem = only(changed("correction_loop.bpmn", old, new))
    assert problem.element_id == element and "reserved" in problem.message


def test_user_task_lanes_must_be_known_roles() -> None:
    problem = only(changed("forwarding.bpmn", 'name="ward_clerk"', 'name="窓口"'))
    assert problem.element_id == "receive_documents" and "窓口" in problem.message
    ref = "<bpmn:flowNodeRef>receive_documents</bpmn:flowNodeRef>"
    problem = only(changed("forwarding.bpmn", ref, ""))
    assert problem.element_id == "receive_documents" and "lane" in problem.message


def test_user_tasks_need_a_known_form() -> None:
    problem = only(changed("forwarding.bpmn", 'camunda:formKey="custody_receipt"',
                           'camunda:formKey="nonexistent"'))
    assert problem.element_id == "take_documents" and "nonexistent" in problem.message
    problem = only(changed("forwarding.bpmn", ' camunda:formKey="custody_receipt"', ""))
    assert problem.element_id == "take_documents" and "no form" in problem.message
    problem = only(changed("forwarding.bpmn", 'id="bag_no" label="袋番号" type="string"',
                           'id="bag_no" label="袋番号" type="file"'))
    assert problem.element_id == "send_internal_mail" and "file" in problem.message


def test_form_field_constraints_are_checked_by_the_parser_stage() -> None:
    problem = only(changed("forwarding.bpmn", '<camunda:constraint name="max" config="999999" />',
                           '<camunda:constraint name="max" config="lots" />'))
    assert problem.element_id == "number_documents" and "lots" in problem.message


@pytest.mark.parametrize(("old", "new", "element"), [
    ("decision == 'accept'", "decision = = 'accept'", "flow_accept"),
    ("decision == 'return'", "().__class__.__base__", "flow_return"),
    ("return_count = 0", "import os", "init_case"),
    ("return_count += 1", "return_count +=", "count_return"),
    (">P14D<", ">P14X<", "timer_no_reply"),
    (">P14D<", ">'P3Q'<", "timer_no_reply"),
    (">P14D<", ">days +<", "timer_no_reply"),
])
def test_expressions_scripts_and_timers_must_compile(old: str, new: str, element: str) -> None:
    problem = only(changed("correction_loop.bpmn", old, new))
    assert problem.element_id == element, problem


def test_time_date_and_cycle_literals_are_checked() -> None:
    typed = 'xsi:type="bpmn:tFormalExpression"'
    bad_date = f"<bpmn:timeDate {typed}>2026-13-01T09:00:00</bpmn:timeDate>"
    bad_cycle = f"<bpmn:timeCycle {typed}>R3/PT1X</bpmn:timeCycle>"
    good_cycle = f"<bpmn:timeCycle {typed}>R3/PT1H</bpmn:timeCycle>"
    old = f"<bpmn:timeDuration {typed}>P14D</bpmn:timeDuration>"
    for bad in (bad_date, bad_cycle):
        problem = only(changed("correction_loop.bpmn", old, bad))
        assert problem.element_id == "timer_no_reply" and "ISO 8601" in problem.message
    assert changed("correction_loop.bpmn", old, good_cycle) == []


def test_due_dates_are_checked() -> None:
    problem = only(changed("reminder_loop.bpmn", 'camunda:dueDate="P3D"',
                           'camunda:dueDate="${dateTime().plusDays(3)}"'))
    assert problem.element_id == "escalate"
    assert changed("reminder_loop.bpmn", 'camunda:dueDate="P3D"',
                   'camunda:dueDate="add_business_days(today(), 3)"') == []


def test_decision_table_expressions_are_checked() -> None:
    dmn = read("fee_rules.dmn").replace("<text>&gt; 100000</text>", "<text>&gt; &gt; 1</text>")
    problem = only(check({"fee_decision.bpmn": read("fee_decision.bpmn"), "fee_rules.dmn": dmn}))
    assert problem.element_id == "rule_large_amount_in1"


def test_camunda_parser_errors_become_problems() -> None:
    problem = only(check({"fee_decision.bpmn": read("fee_decision.bpmn")}))  # DMN missing
    assert problem.element_id == "decide_fee" and "fee_rules" in problem.message


def test_validation_is_fast_and_builds_the_schema_once() -> None:
    from workflows._xsd import _schema

    check({"forwarding.bpmn": read("forwarding.bpmn")})
    before = _schema.cache_info().misses
    started = time.perf_counter()
    for _ in range(10):
        assert check({"correction_loop.bpmn": read("correction_loop.bpmn")}) == []
    assert time.perf_counter() - started < 1.0
    assert _schema.cache_info().misses == before


def test_a_user_task_may_declare_where_it_goes() -> None:
    declared = ' xmlns:madoguchi="https://madoguchi.example/bpmn" madoguchi:route="{}"' \
               ' camunda:formKey="custody_receipt"'
    for route in ("case_office", "department"):
        assert changed("forwarding.bpmn", ' camunda:formKey="custody_receipt"',
                       declared.format(route)) == []
    problem = only(changed("forwarding.bpmn", ' camunda:formKey="custody_receipt"',
                           declared.format("branch")))
    assert problem.element_id == "take_documents" and "case_office" in problem.message


def test_startable_must_be_true_or_false() -> None:
    """A typo would silently close the process to POST /api/v1/cases: refuse it at deploy."""
    problem = only(changed("correction_loop.bpmn", 'madoguchi:startable="true"',
                           'madoguchi:startable="yes"'))
    assert problem.element_id == "correction_loop" and "yes" in problem.message
    assert changed("correction_loop.bpmn", 'madoguchi:startable="true"',
                   'madoguchi:startable="false"') == []
