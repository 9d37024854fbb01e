"""Validate task input with the task's form (registered key or BPMN form fields)."""

from __future__ import annotations

from flask_babel import gettext as _

from forms.registry import form_output, resolve, to_formdata
from models.work_item import WorkItem
from workflows.failures import InvalidInput
from workflows.registry import bundle_for_case


def task_form_class(item: WorkItem):
    """The WTForms class for a work item."""
    spec = bundle_for_case(item.case).user_task(item.bpmn_id)
    return resolve(spec.form_key if spec else item.form_key, spec.fields if spec else ())


def validate_task_data(item: WorkItem, data: dict) -> dict:
    """Clean task data, or InvalidInput with per-field Japanese messages."""
    form = task_form_class(item)(formdata=to_formdata(data), meta={"csrf": False})
    if not form.validate():
        raise InvalidInput(_("The input has errors."),
                           {name: [str(m) for m in msgs] for name, msgs in form.errors.items()})
    return form_output(form)
