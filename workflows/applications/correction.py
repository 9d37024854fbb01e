"""The applicant's answer to a return for correction: resubmit (only what was asked) or withdraw.

Each round keeps what was asked and what the applicant changed, field by field; the case
history gets the same change list, so the case page shows the diff. Files replaced in a round
stay stored and visible to staff.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from forms.application_fields import field_value_text
from forms.application_tasks import via_application_screens
from forms.registry import to_formdata
from models.applicant import Applicant
from models.application import Application, ApplicationRound
from models.audit import record
from models.work_item import WorkItem
from workflows.applications.applicant_tasks import complete_applicant_task
from workflows.applications.files import Upload
from workflows.applications.steps import CORRECT, open_step
from workflows.applications.sync import sync
from workflows.applications.validation import (
    collect_findings,
    current_attachments,
    form_of,
    store_uploads,
    validate,
)
from workflows.cases import Outcome
from workflows.failures import Conflict


def editable_fields(application: Application) -> set[str]:
    """The fields the clerk asked for, with their companions (確認 e-mail, the named file)."""
    current = application.current_round
    if current is None:
        return set()
    chosen = set(current.fields_to_fix or [])
    for spec_field in form_of(application.procedure).fields:
        if spec_field.confirm_of in chosen:
            chosen.add(spec_field.id)
        if spec_field.attachment and spec_field.attachment.filename_field in chosen:
            chosen.add(spec_field.id)
    return chosen


def _open_round(application: Application) -> tuple[ApplicationRound, WorkItem]:
    current = application.current_round
    item = open_step(application, CORRECT)
    if application.status != "returned" or current is None or current.outcome != "pending" \
            or item is None:
        raise Conflict(_("This application is not waiting for your correction."))
    return current, item


def resubmit(applicant: Applicant, application: Application, formdata: MultiDict,
             uploads: dict[str, Upload], now: datetime) -> Outcome:
    """Apply the corrections (only editable fields count) and send the application back."""
    current, item = _open_round(application)
    spec = form_of(application.procedure)
    editable = editable_fields(application)
    merged = MultiDict(to_formdata(application.fields or {}))
    for spec_field in spec.input_fields:
        if spec_field.id in editable:
            merged.setlist(spec_field.id, formdata.getlist(spec_field.id))
    allowed_uploads = {k: v for k, v in uploads.items() if k in editable}
    validated = validate(spec, merged, allowed_uploads, kept=current_attachments(application))
    before = dict(application.fields or {})
    changes = {k: [before.get(k), v] for k, v in validated.values.items()
               if k in editable and before.get(k) != v}
    for field_id, (old, new) in store_uploads(application, validated.uploads, now,
                                              current.number).items():
        changes[field_id] = [old, new]
    application.fields = validated.values
    application.findings = collect_findings(application)
    current.changes, current.answered_at, current.outcome = changes, now, "resubmitted"
    with via_application_screens():
        outcome = complete_applicant_task(item, {"action": "resubmit",
                                                 "changed_fields": sorted(changes)},
                                          applicant=applicant, now=now)
    _audit(application, applicant, current.number, changes, now)
    if outcome.error is None:
        sync(application, now)
    return outcome


def _audit(application: Application, applicant: Applicant, number: int, changes: dict,
           now: datetime) -> None:
    spec = form_of(application.procedure)
    readable = {}
    for field_id, (old, new) in changes.items():
        field_spec = spec.field(field_id)
        label = str(field_spec.label) if field_spec else field_id
        readable[label] = [field_value_text(field_spec, old) if field_spec else old,
                           field_value_text(field_spec, new) if field_spec else new]
    record("application_corrected", "case", application.case_id,
           actor_name=applicant.audit_name, at=now,
           details={"number": application.number, "round": number,
                    "name": _("Correction round %(n)d", n=number), "changed": readable})
    record("application_corrected", "application", application.id,
           actor_name=applicant.audit_name, at=now,
           details={"number": application.number, "round": number, "changed": changes})


def withdraw(applicant: Applicant, application: Application, now: datetime) -> Outcome:
    """Withdraw (取下げ) instead of correcting; the case ends and the applicant is told."""
    current, item = _open_round(application)
    current.answered_at = now
    with via_application_screens():
        outcome = complete_applicant_task(item, {"action": "withdraw", "changed_fields": []},
                                          applicant=applicant, now=now)
    record("application_withdrawn", "application", application.id,
           actor_name=applicant.audit_name, at=now,
           details={"number": application.number, "round": current.number})
    if outcome.error is None:
        sync(application, now)
    return outcome
