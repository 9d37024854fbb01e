"""Admin: offices and departments."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.office import DepartmentForm, OfficeForm
from models.office import Department, Office
from webapp import org
from webapp.access import get_or_404, roles_required
from webapp.admin import bp
from webapp.extensions import db


@bp.get("/offices")
@roles_required("admin")
def offices():
    return render_template("admin/offices.html", offices=org.list_offices())


@bp.route("/offices/<int:office_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def office_edit(office_id: int):
    office = get_or_404(Office, office_id)
    form = OfficeForm(obj=office)
    if form.validate_on_submit():
        org.update_office(current_user, office, name=form.name.data,
                          short_name=form.short_name.data, active=form.active.data)
        db.session.commit()
        flash(_("The office was saved."), "success")
        return redirect(url_for("admin.offices"))
    return render_template("admin/office_form.html", form=form, office=office)


@bp.route("/offices/<int:office_id>/departments/new", methods=["GET", "POST"])
@roles_required("admin")
def department_new(office_id: int):
    office = get_or_404(Office, office_id)
    return _department_form(office, None)


@bp.route("/departments/<int:department_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def department_edit(department_id: int):
    department = get_or_404(Department, department_id)
    return _department_form(department.office, department)


def _department_form(office: Office, department: Department | None):
    form = DepartmentForm(obj=department)
    if form.validate_on_submit():
        clash = org.department_by_code(form.code.data)
        if clash is not None and clash is not department:
            form.code.errors.append(_("This code is already used by %(name)s.", name=clash.name))
        else:
            org.save_department(current_user, department, office=office, code=form.code.data,
                                name=form.name.data, position=form.position.data,
                                active=form.active.data)
            db.session.commit()
            flash(_("The department was saved."), "success")
            return redirect(url_for("admin.offices"))
    return render_template("admin/department_form.html", form=form, office=office,
                           department=department)
