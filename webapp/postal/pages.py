"""The mail room's registration screen and the department's postal case page."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from japan.calendar import to_jst
from models.base import utcnow
from models.postal import DISPATCH_METHOD_LABELS, PostalDispatch, PostalEnvelope
from reports.postal_letters import render_letter
from webapp.access import roles_required
from webapp.extensions import db
from webapp.forwarding.common import pdf_response
from webapp.postal import bp
from webapp.postal.common import MONEY_ORDER_ROWS, body_from_form, failure, load_case
from workflows import params
from workflows.failures import OperationError
from workflows.postal import catalogue, dispatch, intake, postcode, registers, review, steps
from workflows.postal.letters import letter_view
from workflows.postal.registers import RegisterFilter

STAFF = ("ward_clerk", "supervisor", "admin")


@bp.get("/")
@roles_required(*STAFF)
def index():
    envelopes = registers.envelopes(current_user, RegisterFilter())[-100:][::-1]
    return render_template("postal/index.html", envelopes=envelopes, status_ja=steps.status_ja)


def _lookup(values: MultiDict) -> MultiDict:
    code = postcode.normalize(values.get("sender_postal_code", ""))
    found = postcode.lookup(code) if code else None
    if found is None:
        flash(_("There is no postal code %(code)s. Check the number on the envelope.",
                code=values.get("sender_postal_code", "")), "error")
        return values
    values = values.copy()
    values["sender_postal_code"], values["sender_address"] = code, found
    return values


@bp.route("/envelopes/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def register():
    form = FlaskForm()
    values = request.form if request.method == "POST" else MultiDict(
        {"arrival_date": to_jst(utcnow()).date().isoformat(),
         "case_id": request.args.get("case", "")})
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and form.validate_on_submit():
        if request.form.get("lookup"):
            values = _lookup(request.form)
        else:
            try:
                done = intake.register_envelope(current_user, body_from_form(request.form),
                                                utcnow())
                db.session.commit()
            except OperationError as exc:
                errors = failure(exc)
            else:
                flash(_("Envelope %(number)s was registered (case %(case)s).",
                        number=done.envelope.intake_number, case=done.outcome.case.number),
                      "success")
                return redirect(url_for(".register"))
    procedures = catalogue.postal_procedures()
    terms = {p.code: catalogue.describe(p, catalogue.terms_of(p)) for p in procedures}
    return render_template("postal/envelope_form.html", form=form, values=values,
                           errors=errors, procedures=procedures, terms=terms,
                           rows=range(MONEY_ORDER_ROWS))


def _case_page(case, errors=None):
    item = steps.open_step(case)
    envelopes = db.session.query(PostalEnvelope).filter_by(case_id=case.id) \
        .order_by(PostalEnvelope.id).all()
    dispatches = db.session.query(PostalDispatch).filter_by(case_id=case.id) \
        .order_by(PostalDispatch.id).all()
    found = catalogue.by_code(case.procedure_code or "")
    return render_template(
        "postal/case.html", case=case, item=item, step=item.bpmn_id if item else None,
        envelopes=envelopes, dispatches=dispatches, terms=found[1] if found else None,
        form=FlaskForm(), errors=errors or {}, status=steps.status_ja(case),
        methods=DISPATCH_METHOD_LABELS, today=to_jst(utcnow()).date().isoformat(),
        kind_labels=registers.DISPATCH_KIND_JA, method_labels=registers.METHOD_JA)


@bp.get("/cases/<number>")
@roles_required(*STAFF)
def case(number: str):
    return _case_page(load_case(number))


def _act(number: str, operation, success: str):
    case = load_case(number)
    if not FlaskForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for(".case", number=number))
    try:
        operation(case)
        db.session.commit()
    except OperationError as exc:
        return _case_page(load_case(number), failure(exc)), 422
    flash(success, "success")
    return redirect(url_for(".case", number=case.number))


@bp.post("/cases/<number>/review")
@roles_required("ward_clerk", "supervisor")
def decide(number: str):
    f = request.form
    return _act(number, lambda case: review.decide(
        case, current_user, decision=f.get("decision", ""), missing=f.getlist("missing"),
        message=f.get("message", ""), now=utcnow()), _("The review was recorded."))


@bp.post("/cases/<number>/rejection")
@roles_required("supervisor")
def rejection(number: str):
    f = request.form
    return _act(number, lambda case: review.confirm_rejection(
        case, current_user, approval=f.get("approval", ""), note=f.get("note", ""),
        now=utcnow()), _("The decision was recorded."))


def _day(text: str) -> date | None:
    return params.iso_date(text)


@bp.post("/cases/<number>/send")
@roles_required("ward_clerk", "supervisor")
def send(number: str):
    f = request.form
    sent_on = _day(f.get("sent_on", ""))
    if sent_on is None:
        flash(_("Enter a date."), "error")
        return redirect(url_for(".case", number=number))
    return _act(number, lambda case: dispatch.send(
        case, current_user, sent_on=sent_on, method=f.get("method", ""),
        tracking_number=f.get("tracking_number", ""), now=utcnow()),
        _("The dispatch was recorded in the dispatch register."))


@bp.post("/cases/<number>/withdraw")
@roles_required("ward_clerk", "supervisor")
def withdraw(number: str):
    return _act(number, lambda case: review.withdraw(
        case, current_user, note=request.form.get("note", ""), now=utcnow()),
        _("The application was closed as withdrawn."))


@bp.get("/cases/<number>/letter-<kind>.pdf")
@roles_required(*STAFF)
def letter_pdf(number: str, kind: str):
    case = load_case(number)
    view = letter_view(case, kind, to_jst(utcnow()).date()) \
        if kind in ("correction", "reminder") else None
    if view is None:
        flash(_("This case has no letter of that kind."), "error")
        return redirect(url_for(".case", number=number))
    return pdf_response(lambda: render_letter(view), f"letter-{case.number}-{kind}.pdf")
