"""The e-mails an applicant receives, composed in their language and put in the outbox.

Plain text only: whatever an applicant typed (even ``<script>``) is sent as text, never as
markup. Links point at PUBLIC_BASE_URL, never at the Host header of a request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, get_translations
from flask_babel import gettext as _

from japan.wareki import format_datetime_ja
from models.applicant import Applicant
from models.application import Application
from workflows.notifications import enqueue

Gettext = Callable[..., str]


def portal_url(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _bound_gettext() -> Gettext:
    """gettext on the current locale's catalogue, looked up once: flask_babel's own gettext
    finds the locale through the request context on every call (~25 µs, ten per notice)."""
    translations = get_translations()

    def gettext(string: str, **variables) -> str:
        text = translations.ugettext(string)
        return text % variables if variables else text

    return gettext


def _footer(_: Gettext = _) -> list[str]:
    signature = current_app.config.get("MAIL_SIGNATURE") or _("Online applications")
    return ["", _("This address is for sending only; replies are not read."), "",
            *signature.split("\\n")]


def _body(name: str, lines: list[str], _: Gettext = _) -> str:
    return "\n".join([_("Dear %(name)s,", name=name), "", *lines, *_footer(_)]) + "\n"


def _send(kind: str, to_addr: str, name: str, subject: str, lines: list[str], *,
          application: Application | None = None, applicant_id: int | None = None,
          now: datetime) -> None:
    enqueue(kind, to_addr, subject, _body(name, lines), now=now, applicant_id=applicant_id,
            application_id=application.id if application else None)


@dataclass(frozen=True)
class Notice:
    """A composed notice about an application, not yet in the outbox."""

    kind: str
    to_addr: str
    subject: str
    body: str
    applicant_id: int | None

    def send(self, application: Application, now: datetime) -> None:
        """Put it in the outbox, in the current transaction."""
        enqueue(self.kind, self.to_addr, self.subject, self.body, now=now,
                applicant_id=self.applicant_id, application_id=application.id)


def _when(value: datetime | None) -> str:
    return format_datetime_ja(value) if value else "—"


def registration(applicant: Applicant, verify_url: str, now: datetime) -> None:
    with force_locale(applicant.locale or "ja"):
        _send("registration", applicant.email, applicant.display_name,
              _("Confirm your e-mail address"), [
                  _("Thank you for registering. Open this link within 24 hours to confirm your "
                    "e-mail address and finish the registration:"), "", verify_url, "",
                  _("If you did not register, you can ignore this message.")],
              applicant_id=applicant.id, now=now)


def already_registered(applicant: Applicant, now: datetime) -> None:
    """Someone tried to register an address that already has an account (tell its owner)."""
    with force_locale(applicant.locale or "ja"):
        _send("registration_exists", applicant.email, applicant.display_name,
              _("Registration attempt with your e-mail address"), [
                  _("Someone tried to register a new account with this e-mail address, which "
                    "already has one. You can sign in with your password:"), "",
                  portal_url("/portal/login"), "",
                  _("If this was not you, no action is needed.")],
              applicant_id=applicant.id, now=now)


def login_notice(applicant: Applicant, now: datetime) -> None:
    """The login notification of seed 000 (ログイン通知のお知らせ)."""
    with force_locale(applicant.locale or "ja"):
        _send("login", applicant.email, applicant.display_name, _("Sign-in notification"), [
            _("We noticed a sign-in to the system."),
            _("Signed in at: %(when)s", when=_when(now)), "",
            _("If you did not sign in, please consider changing your password.")],
            applicant_id=applicant.id, now=now)


def password_reset(applicant: Applicant, url: str, now: datetime) -> None:
    with force_locale(applicant.locale or "ja"):
        _send("password_reset", applicant.email, applicant.display_name,
              _("Set a new password"), [
                  _("We received a request to set a new password for your account. Open this "
                    "link within one hour to choose a new password:"), "", url, "",
                  _("The link works once. If you did not ask for it, you can ignore this "
                    "message; your password stays as it is.")],
              applicant_id=applicant.id, now=now)


def password_changed(applicant: Applicant, now: datetime) -> None:
    with force_locale(applicant.locale or "ja"):
        _send("password_changed", applicant.email, applicant.display_name,
              _("Your password was changed"), [
                  _("The password of your account was changed at %(when)s. Every other "
                    "signed-in session was signed out.", when=_when(now)), "",
                  _("If you did not change it, set a new password at once from the sign-in "
                    "page and contact the ward office.")],
              applicant_id=applicant.id, now=now)


def notice_address(application: Application) -> str:
    """Where notices about an application go: the form's 送信先 address, else the applicant's."""
    from forms.application_fields import procedure_form

    spec = procedure_form(application.procedure.form_key)
    chosen = (application.fields or {}).get(spec.email_field) if spec and spec.email_field \
        else None
    return chosen or application.applicant_email or ""


def _locale(application: Application) -> str:
    return application.applicant.locale if application.applicant else "ja"


def _mypage(application: Application) -> str:
    return portal_url(f"/portal/mypage/{application.number}")


def _head(application: Application, _: Gettext) -> list[str]:
    return [_("Procedure: %(name)s", name=application.procedure.name),
            _("Application number: %(number)s", number=application.number)]


def application_notice(application: Application, kind: str, now: datetime, *,
                       labels: list[str] | None = None) -> None:
    """submitted, resubmitted, returned, reminder, accepted, rejected or withdrawn."""
    compose_notice(application, kind, labels=labels).send(application, now)


def compose_notice(application: Application, kind: str, *,
                   labels: list[str] | None = None) -> Notice:
    """The notice of this kind in the applicant's language (send it once it is stored)."""
    with force_locale(_locale(application)):
        _ = _bound_gettext()
        subject, lines = _compose(application, kind, labels or [], _)
        return Notice(kind, notice_address(application),
                      f"{subject}（{_('Application number')} {application.number}）",
                      _body(application.applicant_name or "—", lines, _),
                      application.applicant_id)


def _compose(application: Application, kind: str, labels: list[str], _: Gettext
             ) -> tuple[str, list[str]]:
    head, link = _head(application, _), ["", _mypage(application)]
    if kind in ("submitted", "resubmitted"):
        subject = _("Your application was received") if kind == "submitted" else \
            _("Your corrected application was received")
        return subject, [_("We received your application."), "", *head,
                         _("Received at: %(when)s", when=_when(application.updated_at)), "",
                         _("You can follow its status on My page:"), *link]
    current = application.current_round
    due = _when(current.due_at) if current else "—"
    if kind == "returned":
        return _("Please correct your application"), [
            _("Your application was returned for correction. Please correct the following "
              "and resubmit it on My page by %(due)s.", due=due), "", *head, "",
            _("Message from the ward office:"), current.message if current else "", "",
            _("Items to correct: %(items)s", items="、".join(labels) or "—"), *link, "",
            _("If it is not resubmitted by then, the application is treated as withdrawn.")]
    if kind == "reminder":
        return _("Reminder: your application awaits correction"), [
            _("Your application is still waiting for your correction. The deadline is %(due)s; "
              "after it the application is treated as withdrawn.", due=due), "", *head, *link]
    if kind == "accepted":
        return _("Your application was accepted"), [
            _("Your application was accepted."), "", *head, "",
            *([_("Message from the ward office:"), application.decision_message]
              if application.decision_message else []), *link]
    if kind == "rejected":
        return _("Your application was rejected"), [
            _("We regret to inform you that your application was rejected."), "", *head, "",
            _("Reason:"), application.decision_message, *link]
    if kind == "withdrawn":
        reason = _("No correction arrived by the deadline (%(due)s), so the application is "
                   "treated as withdrawn.", due=due) if application.case and \
            (application.case.data or {}).get("withdrawn_reason") == "expired" else \
            _("You withdrew the application.")
        return _("Your application was withdrawn"), [reason, "", *head, *link]
    raise ValueError(f"unknown notice {kind}")
