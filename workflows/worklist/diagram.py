"""What the case page's BPMN diagram shows: the case's own process version and its state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.base import utcnow
from models.case import Case
from models.db import db
from models.process import ProcessVersion
from workflows import engine
from workflows.errors import EngineError
from workflows.registry import bundle_for_case


@dataclass(frozen=True)
class Diagram:
    xml: str
    process: str  # "correction_loop v2"
    finished: list[str] = field(default_factory=list)
    active: list[str] = field(default_factory=list)
    timers: list[dict] = field(default_factory=list)  # {"id": bpmn id, "due_at": ISO}
    error: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"xml": self.xml, "process": self.process, "finished": self.finished,
                "active": self.active, "timers": self.timers, "error": self.error}


def _bpmn_text(version: ProcessVersion) -> str:
    names = sorted(n for n in version.files if n.lower().endswith(".bpmn"))
    return version.files[names[0]] if names else ""


def case_diagram(case: Case, now: datetime | None = None) -> Diagram:
    """The BPMN XML of the version the case runs on, with finished elements, active tasks and
    waiting timers read from its saved engine state (an ended case has nothing active)."""
    version = db.session.get(ProcessVersion, case.process_version_id)
    xml, label = _bpmn_text(version), version.label
    errors = [case.error["element_id"]] if case.status == "error" and case.error and \
        case.error.get("element_id") else []
    if not case.state:
        return Diagram(xml, label, error=errors)
    try:
        run = engine.restore(bundle_for_case(case), case.state, now=now or utcnow())
        finished, active, waiting = run.finished_elements(), run.active_elements(), \
            run.waiting_timers()
    except EngineError:
        return Diagram(xml, label, error=errors)
    if not case.is_open:
        return Diagram(xml, label, finished, error=errors)
    timer_ids = {t.bpmn_id for t in waiting}
    return Diagram(xml, label, finished, [a for a in active if a not in timer_ids],
                   [{"id": t.bpmn_id, "due_at": t.due_at.isoformat()} for t in waiting],
                   errors)
