"""Admin: a procedure's postal terms (enclosures checklist, fee, deadline rule, letter days)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.postal_terms import PostalTermsForm, enclosure_lines
from models.procedure import Procedure
from webapp.access import get_or_404, roles_required
from webapp.extensions import db
from webapp.postal import bp
from workflows.postal import catalogue, terms


@bp.route("/admin/procedures/<int:procedure_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_terms(procedure_id: int):
    procedure = get_or_404(Procedure, procedure_id)
    current = catalogue.terms_of(procedure)
    form = PostalTermsForm(obj=current)
    if request.method == "GET" and current is not None:
        form.enclosures.data = "\n".join(current.enclosures or [])
    if form.validate_on_submit():
        values = {name: form[name].data for name in terms.EDITABLE}
        values["enclosures"] = enclosure_lines(form.enclosures.data)
        terms.save_terms(current_user, procedure, values)
        db.session.commit()
        flash(_("The postal terms of %(code)s were saved.", code=procedure.code), "success")
        return redirect(url_for("applications.admin_procedures"))
    return render_template("postal/terms.html", form=form, procedure=procedure,
                           existing=current is not None)
