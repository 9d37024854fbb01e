"""Admin: the catalogue of forwardable documents and each department's time limits."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.choices import choices
from forms.forwarding import DepartmentDaysForm, DocumentTypeForm
from models.document_type import DocumentType
from models.office import Department
from webapp import org
from webapp.access import roles_required
from webapp.extensions import db
from webapp.forwarding import bp
from webapp.forwarding.common import flash_failure
from workflows.failures import OperationError
from workflows.forwarding import catalogue, eligibility


@bp.get("/admin/types")
@roles_required("admin")
def admin_types():
    cache: dict = {}
    types = catalogue.list_types()
    decisions = {t.id: eligibility.type_decision(t, cache) for t in types}
    departments = org.list_departments()
    forms = {d.id: DepartmentDaysForm(prefix=f"d{d.id}", receive_days=d.forwarding_receive_days,
                                      ack_days=d.forwarding_ack_days) for d in departments}
    return render_template("forwarding/admin_types.html", types=types, decisions=decisions,
                           departments=departments, forms=forms)


def _fields(form: DocumentTypeForm) -> catalogue.TypeFields:
    return catalogue.TypeFields(
        code=form.code.data, name=form.name.data, department_id=form.department_id.data,
        forwardable=form.forwardable.data,
        acceptance_date_matters=form.acceptance_date_matters.data,
        deadline_days=form.deadline_days.data, deadline_basis=form.deadline_basis.data or "",
        temporary_window=form.temporary_window.data, active=form.active.data,
        position=form.position.data or 0)


@bp.route("/admin/types/new", methods=["GET", "POST"], defaults={"type_id": None})
@bp.route("/admin/types/<int:type_id>", methods=["GET", "POST"])
@roles_required("admin")
def admin_type(type_id: int | None):
    doc_type = db.session.get(DocumentType, type_id) if type_id else None
    if type_id and doc_type is None:
        abort(404)
    form = DocumentTypeForm(obj=doc_type)
    form.department_id.choices = choices((d.id, d.name) for d in org.list_departments())
    if form.validate_on_submit():
        try:
            catalogue.save_type(current_user, doc_type, _fields(form))
            db.session.commit()
            flash(_("The document type was saved."), "success")
            return redirect(url_for(".admin_types"))
        except OperationError as exc:
            flash_failure(exc, form)
    return render_template("forwarding/admin_type_form.html", form=form, doc_type=doc_type)


@bp.post("/admin/departments/<int:department_id>")
@roles_required("admin")
def admin_department(department_id: int):
    department = db.session.get(Department, department_id)
    if department is None:
        abort(404)
    form = DepartmentDaysForm(prefix=f"d{department.id}")
    if not form.validate_on_submit():
        flash("　".join(m for msgs in form.errors.values() for m in msgs), "error")
        return redirect(url_for(".admin_types"))
    try:
        catalogue.save_department_days(current_user, department,
                                       receive_days=form.receive_days.data,
                                       ack_days=form.ack_days.data)
        db.session.commit()
        flash(_("The time limits of %(department)s were saved. New receipts use them.",
                department=department.name), "success")
    except OperationError as exc:
        flash_failure(exc)
    return redirect(url_for(".admin_types"))
