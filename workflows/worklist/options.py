"""Choices for the queue filters: procedures, tasks, channels, departments, offices."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from models.db import db
from models.office import Department, Office
from models.process import ProcessVersion
from workflows.errors import EngineError
from workflows.registry import bundle_for

# Where a case came in; Case.channel holds the key.
CHANNELS = ("counter", "branch", "online", "postal", "api")


@dataclass(frozen=True)
class FilterOptions:
    procedures: list[tuple[str, str]]  # (process id, name)
    tasks: list[tuple[str, str]]  # (bpmn id, name)
    channels: tuple[str, ...]
    departments: list[Department]
    offices: list[Office]


def latest_versions() -> list[ProcessVersion]:
    """The newest version of every deployed process, by name."""
    newest = select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("v")) \
        .group_by(ProcessVersion.process_id).subquery()
    return list(db.session.scalars(select(ProcessVersion).join(
        newest, (newest.c.process_id == ProcessVersion.process_id)
        & (newest.c.v == ProcessVersion.version)).order_by(ProcessVersion.name)))


def _tasks(versions: list[ProcessVersion]) -> list[tuple[str, str]]:
    tasks: dict[str, str] = {}
    for version in versions:
        try:
            bundle = bundle_for(version)  # parsed once per version, then cached
        except EngineError:
            continue
        for bpmn_id, spec in bundle.user_tasks.items():
            tasks.setdefault(bpmn_id, spec.name or bpmn_id)
    return sorted(tasks.items(), key=lambda kv: (kv[1], kv[0]))


def filter_options(*, places: bool = False) -> FilterOptions:
    """Procedures, tasks and channels; departments and offices too when places is set."""
    versions = latest_versions()
    departments = list(db.session.scalars(select(Department).where(
        Department.active.is_(True)).order_by(Department.position, Department.id))) \
        if places else []
    offices = list(db.session.scalars(select(Office).where(Office.active.is_(True))
                                      .order_by(Office.kind.desc(), Office.id))) \
        if places else []
    return FilterOptions([(v.process_id, v.name or v.process_id) for v in versions],
                         _tasks(versions), CHANNELS, departments, offices)
