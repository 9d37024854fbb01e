"""The counter: one screen to take a resident's documents and print the custody receipts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.forwarding import CounterForm, LineForm
from models.base import utcnow
from webapp.access import roles_required
from webapp.extensions import db
from webapp.forwarding import bp
from webapp.forwarding.common import flash_failure
from workflows.failures import InvalidInput, OperationError
from workflows.forwarding import catalogue, eligibility, issue, queries


def type_options() -> tuple[list[tuple[str, str]], list]:
    """(code, label) for the select, marking types the rules never forward; and presets."""
    cache: dict = {}
    pairs, presets = [], []
    for doc_type in catalogue.list_types(active_only=True):
        label = f"{doc_type.code} {doc_type.name}（{doc_type.department.name}）"
        if not eligibility.type_decision(doc_type, cache).forwardable:
            label += _("［not forwardable］")
        pairs.append((doc_type.code, label))
        if doc_type.temporary_window:
            presets.append(doc_type)
    return pairs, presets


def _requests(form: CounterForm) -> tuple[list[int], list[issue.LineRequest]]:
    filled = [(i, entry.form) for i, entry in enumerate(form.lines)
              if entry.form.document_type.data]
    return [i for i, _f in filled], [
        issue.LineRequest(f.document_type.data, f.sheets.data, bool(f.urgent.data),
                          f.event_date.data) for _i, f in filled]


def _place_errors(form: CounterForm, rows: list[int], exc: InvalidInput) -> None:
    for key, messages in exc.errors.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
            line: LineForm = form.lines[rows[int(parts[1])]].form
            line[parts[2]].errors = list(line[parts[2]].errors) + list(messages)
        elif key in form:
            form[key].errors = list(messages)


@bp.route("/counter", methods=["GET", "POST"])
@roles_required("branch_clerk")
def counter():
    office = current_user.office
    pairs, presets = type_options()
    preset = request.args.get("preset") if request.args.get("preset") in dict(pairs) else None
    form = CounterForm()
    form.set_types(pairs)
    if request.method == "GET" and preset:
        form.lines[0].form.document_type.data, form.lines[0].form.sheets.data = preset, 1
    refusals = []
    if form.validate_on_submit():
        rows, lines = _requests(form)
        resident = issue.Resident(form.resident_name.data, form.resident_kana.data,
                                  form.phone.data)
        try:
            issued = issue.issue_receipts(current_user, office, resident, lines,
                                          submitter_type=form.submitter.data,
                                          remarks=form.remarks.data or "")
            db.session.commit()
        except InvalidInput as exc:
            db.session.rollback()
            refusals = [(r, rows[r.index]) for r in getattr(exc, "refusals", [])]
            _place_errors(form, rows, exc)
            flash(exc.message, "error")
        except OperationError as exc:
            flash_failure(exc)
        else:
            numbers = "、".join(n for r in issued.receipts for n in r.numbers)
            flash(_("Receipts issued: %(numbers)s", numbers=numbers), "success")
            for error in issued.engine_errors:
                flash(_("The case went into error; a supervisor has been notified: "
                        "%(error)s", error=error), "error")
            return redirect(url_for(".counter", issued=issued.visit_key, preset=preset))
    issued_receipts = [r for r in queries.visit_receipts(request.args.get("issued", ""))
                       if r.office_id == office.id]
    return render_template("forwarding/counter.html", form=form, refusals=refusals,
                           presets=presets, preset=preset, issued=issued_receipts,
                           today=queries.issued_today(office.id, utcnow()), office=office)
