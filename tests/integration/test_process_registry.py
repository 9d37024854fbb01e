"""Deploying processes: versions, idempotence, validation that changes nothing, CLI output."""

import pytest
from sqlalchemy import func, select

from models.process import ProcessVersion
from tests.integration.runtime_support import FIXTURES

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol3;
</bpmn:definitions>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&xxe;
</bpmn:definitions>"""


def _versions(session):
    return session.scalar(select(func.count()).select_from(ProcessVersion))


def test_cli_deploys_prints_versions_and_skips_unchanged(app, session, tmp_path):
    runner = app.test_cli_runner()
    path = str(FIXTURES / "correction_loop.bpmn")
    first = runner.invoke(args=["processes", "deploy", path])
    second = runner.invoke(args=["processes", "deploy", path])
    assert first.exit_code == 0 and first.output.strip() == "correction_loop 1"
    assert second.exit_code == 0 and second.output.strip() == "correction_loop 1"
    changed = tmp_path / "correction_loop.bpmn"
    changed.write_bytes((FIXTURES / "correction_loop.bpmn").read_bytes().replace(
        b"P14D", b"P10D"))
    assert runner.invoke(args=["processes", "deploy", str(changed)]).output.strip() == \
        "correction_loop 2"
    listed = runner.invoke(args=["processes", "list"]).output
    assert "correction_loop\t1" in listed and "correction_loop\t2" in listed
    stored = session.scalars(select(ProcessVersion).order_by(ProcessVersion.version)).all()
    assert [v.version for v in stored] == [1, 2]
    assert stored[0].sha256 != stored[1].sha256 and "P10D" in stored[1].files[
        "correction_loop.bpmn"]


@pytest.mark.parametrize("content, expected", [
    (BILLION_LAUGHS, "DOCTYPE"),
    (EXTERNAL_ENTITY, "DOCTYPE"),
    (b"<not-closed", "XML"),
])
def test_malicious_or_broken_xml_is_rejected_and_changes_nothing(app, session, tmp_path,
                                                                  content, expected):
    path = tmp_path / "evil.bpmn"
    path.write_bytes(content)
    result = app.test_cli_runner().invoke(args=["processes", "deploy", str(path)])
    assert result.exit_code != 0
    assert expected in result.output and "root:" not in result.output
    assert _versions(session) == 0


def test_invalid_process_names_the_element_and_deploys_nothing(app, session, tmp_path):
    xml = (FIXTURES / "divide.bpmn").read_text().replace(
        'name="ward_clerk"', 'name="night_shift"').replace(
        "share = 1000 // parts", "share = ().__class__.__base__")
    path = tmp_path / "divide.bpmn"
    path.write_text(xml)
    good = str(FIXTURES / "correction_loop.bpmn")
    result = app.test_cli_runner().invoke(args=["processes", "deploy", good, str(path)])
    assert result.exit_code != 0
    assert "enter_amount" in result.output and "night_shift" in result.output
    assert "compute_share" in result.output
    assert _versions(session) == 0  # the valid file in the same command is not deployed either


def test_reserved_ids_are_refused(app, session, tmp_path):
    xml = (FIXTURES / "divide.bpmn").read_text().replace("start_divide", "Start")
    path = tmp_path / "divide.bpmn"
    path.write_text(xml)
    result = app.test_cli_runner().invoke(args=["processes", "deploy", str(path)])
    assert result.exit_code != 0 and "Start" in result.output
    assert _versions(session) == 0
