"""Staff pages for online applications: the list, the application page with its review, and
the admin pages for the procedure catalogue and the e-mail outbox."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

# Registers the task forms of the online_application process (used when BPMN is deployed) and
# the application's documents on the generic task and case pages.
import forms.application_tasks  # noqa: F401
import workflows.applications.documents  # noqa: F401
from webapp.labels import ACTION_LABELS

bp = Blueprint("applications", __name__)

# How the case timeline names the events online applications add to it.
ACTION_LABELS.setdefault("application_corrected", _l("Corrected by the applicant"))

from webapp.applications import admin, staff  # noqa: E402,F401
