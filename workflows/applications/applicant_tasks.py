"""Completing the applicant's BPMN task (lane ``applicant``) on the applicant's behalf.

``workflows.cases.complete_task`` checks a staff ``User``'s role and office. Applicants are not
staff, so this path checks only that the item is the applicant's step (the caller checked that
the application belongs to the applicant) and then runs the same step as staff completions
(``cases.run_step``: one transaction, a double submit finds no row). The audit names the
applicant as ``applicant:<id>``; ``completed_by`` stays empty.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from models.applicant import Applicant
from models.work_item import ACTIVE_STATUSES, WorkItem
from workflows.cases import Outcome, run_step
from workflows.failures import Conflict, Forbidden, stale_is_conflict
from workflows.taskforms import validate_task_data


@stale_is_conflict
def complete_applicant_task(item: WorkItem, data: dict, *, applicant: Applicant,
                            now: datetime) -> Outcome:
    """Complete an applicant work item with validated data and advance the case."""
    case = item.case
    if item.role != "applicant":
        raise Forbidden(_("This step is not for the applicant."))
    if item.status not in ACTIVE_STATUSES:
        raise Conflict(_("This step has already been done."))
    if case.status == "error":
        raise Conflict(_("The application cannot be changed right now; the ward office has "
                         "been told and will fix it."))
    return run_step(item, case, validate_task_data(item, data), now, actor=None,
                    actor_name=applicant.audit_name, gone=_("This step has already been done."))


