"""書類回送 screens: counter, internal-mail bags, receiving, returns, filing, ledger, catalogue."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("forwarding", __name__, url_prefix="/forwarding")


ACTION_LABELS = {
    "forwarding_receipt_issued": _l("Receipt issued"),
    "forwarding_lines_cancelled": _l("Documents cancelled"),
    "forwarding_bag_dispatched": _l("Dispatched by internal mail"),
    "forwarding_bag_received": _l("Bag received"),
    "forwarding_bag_resolved": _l("Bag discrepancy checked"),
    "forwarding_receipt_returned": _l("Receipt returned to the branch"),
    "forwarding_receipt_filed": _l("Receipt filed"),
    "forwarding_missing_resolved": _l("Decision on missing documents"),
    "document_type_created": _l("Document type added"),
    "document_type_updated": _l("Document type changed"),
    "department_forwarding_days": _l("Forwarding time limits changed"),
}


@bp.record_once
def _labels(state) -> None:
    """Template globals (macros imported without context see globals only)."""
    from models.bag import BAG_STATUS_LABELS
    from models.receipt import LINE_STATUS_LABELS
    from webapp.labels import ACTION_LABELS as GENERAL

    for action, label in ACTION_LABELS.items():  # the audit log page names them too
        GENERAL.setdefault(action, label)
    state.app.jinja_env.globals.update(
        line_status_label=lambda s: LINE_STATUS_LABELS.get(s, s),
        bag_status_label=lambda s: BAG_STATUS_LABELS.get(s, s))


from webapp.forwarding import (  # noqa: E402,F401
    admin,
    bags,
    counter,
    department,
    ledger,
    receipts,
)
