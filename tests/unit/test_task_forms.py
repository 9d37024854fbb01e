"""Registered task forms: the review decision needs a reason unless it accepts."""

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from forms.tasks import ReviewDecisionForm


@pytest.fixture
def ctx():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", WTF_CSRF_ENABLED=False)
    with app.test_request_context():
        yield


@pytest.mark.parametrize("decision, reason, ok", [
    ("accept", "", True), ("reject", "", False), ("return", " ", False),
    ("return", "印鑑がありません", True),
])
def test_reason_is_required_when_not_accepting(ctx, decision, reason, ok):
    form = ReviewDecisionForm(formdata=MultiDict({"decision": decision, "reason": reason}))
    assert form.validate() is ok
    assert ("reason" in form.errors) is (not ok)
