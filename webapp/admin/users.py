"""Admin: list, create, edit and deactivate staff users."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.choices import choices
from forms.user import UserCreateForm, UserEditForm
from models.user import ROLES, User
from webapp import accounts, org
from webapp.access import get_or_404, roles_required
from webapp.admin import bp
from webapp.extensions import db
from workflows import params


def _fill_choices(form) -> None:
    form.office_id.choices = choices((o.id, o.name) for o in org.list_offices())
    form.department_ids.choices = choices((d.id, d.name) for d in org.list_departments())


def _chosen(form):
    from models.office import Department, Office

    office = db.session.get(Office, form.office_id.data)
    departments = [db.session.get(Department, i) for i in form.department_ids.data]
    return office, departments


@bp.get("/users")
@roles_required("admin")
def users():
    filters = {
        "q": request.args.get("q", "")[:60],
        "office_id": request.args.get("office_id", type=params.db_id),
        "role": request.args.get("role", "") if request.args.get("role") in ROLES else "",
        "status": request.args.get("status", ""),
    }
    return render_template("admin/users.html", users=accounts.list_users(**filters),
                           filters=filters, offices=org.list_offices(), roles=ROLES)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def user_new():
    form = UserCreateForm()
    _fill_choices(form)
    if form.validate_on_submit():
        if accounts.find_user(form.username.data):
            form.username.errors.append(_("This user ID is already taken."))
        else:
            office, departments = _chosen(form)
            user = accounts.create_user(
                current_user, username=form.username.data, display_name=form.display_name.data,
                password=form.password.data, office=office, departments=departments,
                roles=form.roles.data, email=form.email.data, locale=form.locale.data)
            db.session.commit()
            flash(_("User %(name)s was created.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def user_edit(user_id: int):
    user = get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    _fill_choices(form)
    if request.method == "GET":
        form.department_ids.data = sorted(user.department_ids)
        form.roles.data = sorted(user.roles)
    if form.validate_on_submit():
        office, departments = _chosen(form)
        accounts.update_user(
            current_user, user, display_name=form.display_name.data, email=form.email.data,
            office=office, departments=departments, roles=form.roles.data,
            locale=form.locale.data, active=form.active.data, password=form.password.data)
        db.session.commit()
        flash(_("User %(name)s was updated.", name=user.username), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.post("/users/<int:user_id>/deactivate")
@roles_required("admin")
def user_deactivate(user_id: int):
    user = get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        accounts.deactivate_user(current_user, user)
        db.session.commit()
        flash(_("User %(name)s was deactivated.", name=user.username), "success")
    return redirect(url_for("admin.users"))
