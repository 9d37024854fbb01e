"""郵送申請 screens: envelope registration (mail room), the postal case page with its review,
letters and dispatch, and the registers (郵送受付簿, 発送簿, money orders)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

# Registers the task forms of the postal_application process and its documents on the
# generic task and case pages.
import forms.postal  # noqa: F401
import workflows.postal.documents  # noqa: F401
from webapp.labels import ACTION_LABELS

bp = Blueprint("postal", __name__, url_prefix="/postal")

ACTION_LABELS.setdefault("postal_envelope_registered", _l("Envelope registered"))
ACTION_LABELS.setdefault("postal_reviewed", _l("Postal application reviewed"))
ACTION_LABELS.setdefault("postal_rejection_decided", _l("Decision on the rejection"))
ACTION_LABELS.setdefault("postal_dispatched", _l("Sent by post"))
ACTION_LABELS.setdefault("postal_withdrawn", _l("Withdrawn by the applicant"))

from webapp.postal import pages, registers, terms  # noqa: E402,F401
