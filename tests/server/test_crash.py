"""kill -9 of the whole server during a burst of intake requests loses nothing (issue 15).

8 client threads post applications with a workbook each to POST /api/v1/applications until
the master and every worker are killed at once (SIGKILL to the process group), the server is
started again, and then every application that was answered 201 is there with its attachment
(row and file) and its work item, no case exists without its application or the other way
round, and a retry of each unanswered request (same Idempotency-Key) makes at most one
application.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.server import queues

pytestmark = pytest.mark.server
CLIENTS = 8


def _burst(site, answered: dict, unanswered: dict, stop: threading.Event, n0: int) -> None:
    api = site.api("intake.portal")
    for n in range(n0, n0 + 10_000):
        if stop.is_set():
            return
        key, body = uuid.uuid4().hex, queues.intake_body(n)
        try:
            answer = api.call("POST", "/api/v1/applications", json=body,
                              headers={"Idempotency-Key": key})
        except requests.RequestException:  # refused, reset, or cut off mid-answer by the kill
            unanswered[key] = body
            return
        assert answer.status_code == 201, answer.text
        answered[key] = answer.json()


def test_kill_9_during_an_intake_burst_loses_nothing(site):
    answered: dict[str, dict] = {}
    unanswered: dict[str, dict] = {}
    stop = threading.Event()
    clients = [threading.Thread(target=_burst, args=(site, answered, unanswered, stop,
                                                     10_000 * (i + 1)))
               for i in range(CLIENTS)]
    for client in clients:
        client.start()
    # 40 answers take ~2 s on two idle cores; a loaded CI machine gets a minute.
    deadline = time.monotonic() + 60
    while len(answered) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    site.kill()
    stop.set()
    for client in clients:
        client.join(60)
    assert len(answered) >= CLIENTS
    print(f"kill -9 after {len(answered)} answered, {len(unanswered)} in flight")
    site.start()

    api = site.api("intake.portal")
    attachments = Path(site.env["ATTACHMENT_DIR"])
    for created in answered.values():
        number = created["application_number"]
        shown = api.call("GET", f"/api/v1/applications/{number}")
        assert shown.status_code == 200 and shown.json()["status"] == "submitted", shown.text
        files = site.sql("SELECT t.sha256 FROM attachment t JOIN application a "
                         "ON a.id = t.application_id WHERE a.number = :n", n=number)
        assert len(files) == 1
        sha = files[0][0]
        assert (attachments / sha[:2] / sha[2:4] / sha).is_file()
        [(items,)] = site.sql("SELECT count(*) FROM work_item WHERE case_id = :c",
                              c=created["case_id"])
        assert items == 1
    assert site.sql("SELECT c.number FROM cases c LEFT JOIN application a ON a.case_id = c.id "
                    "WHERE c.process_id = 'online_application' AND a.id IS NULL") == []
    assert site.sql("SELECT a.number FROM application a LEFT JOIN cases c ON c.id = a.case_id "
                    "WHERE a.number IS NOT NULL AND c.id IS NULL") == []
    # A client that got no answer sends the same request again: one application, never two.
    for key, body in unanswered.items():
        again = api.call("POST", "/api/v1/applications", json=body,
                         headers={"Idempotency-Key": key})
        assert again.status_code in (200, 201), again.text
        linked = site.sql("SELECT a.number FROM idempotency_key k JOIN application a "
                          "ON a.id = k.application_id WHERE k.key = :k", k=key)
        assert linked == [(again.json()["application_number"],)]
    assert site.tracebacks() == []
