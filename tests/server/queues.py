"""Intake over the API, claim races and the readers of queues and the dashboard, over HTTP
(called from tests/server/test_paths.py and test_crash.py, and by bench/bench_load.py)."""

from __future__ import annotations

import base64
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.support.applications import kaigo_fields, workbook


def intake_body(n: int) -> dict:
    """An API application of 介護給付費の取下げ with its workbook (a distinct one each time)."""
    rows = [["1234567890", "202305", "141305", f"{n:05d}{r:05d}", 1000 + r] for r in range(3)]
    return {"procedure_code": "KAIGO_TORISAGE",
            "applicant": {"name": "川崎介護株式会社", "email": f"o{n}@example.jp"},
            "fields": kaigo_fields(remarks=f"API {n}"),
            "attachments": [{"field": "attachment", "filename": "kago(1234567890).xlsx",
                             "content_base64": base64.b64encode(workbook(rows)).decode()}]}


def intake(site, n: int) -> dict:
    answer = site.api("intake.portal").call(
        "POST", "/api/v1/applications", json=intake_body(n),
        headers={"Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == 201, answer.text
    return answer.json()


def _race(*calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def claim_races(site, rounds: int = 3) -> None:
    """Two clerks claim the same task at the same moment: one gets it, the other is told."""
    case_ids = [intake(site, 900 + n)["case_id"] for n in range(2 * rounds)]
    listed = site.api("ward.kourei").call("GET", "/api/v1/tasks?department=KOUREI&limit=500")
    tasks = {t["case_id"]: t["task_id"] for t in listed.json()["tasks"]}
    first, second = site.api("ward.kourei"), site.api("ward.kourei2")
    for case_id in case_ids[:rounds]:
        task = tasks[case_id]
        answers = _race(*(lambda a=api, t=task: a.call("POST", f"/api/v1/tasks/{t}/claim")
                          for api in (first, second)))
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        winner = next(a for a in answers if a.status_code == 200).json()["assignee"]
        loser = next(a for a in answers if a.status_code == 409).json()
        assert loser.get("error"), loser
        [(assignee,)] = site.sql("SELECT u.username FROM work_item w JOIN staff_user u "
                                 "ON u.id = w.assignee_id WHERE w.task_id = :t", t=task)
        assert assignee == winner
    clerks = site.browser("ward.kourei"), site.browser("ward.kourei2")
    for case_id in case_ids[rounds:]:
        task = tasks[case_id]
        pages = _race(*(lambda c=c, t=task: c.post(f"/queues/claim/{t}",
                                                   {"next": "/queues/team"}, follow=True)
                        for c in clerks))
        told = [p for p in pages if "既に" in p.text]
        assert len(told) == 1, [p.text[:2000] for p in pages]
        [(assignee,)] = site.sql("SELECT u.username FROM work_item w JOIN staff_user u "
                                 "ON u.id = w.assignee_id WHERE w.task_id = :t", t=task)
        assert assignee == ("ward.kourei2" if told[0] is pages[0] else "ward.kourei")


def readers(site, stop: threading.Event) -> int:
    """Supervisors and clerks reading queues, the dashboard and the ledger until stopped."""
    supervisor, clerk = site.browser("supervisor"), site.browser("ward.hoken")
    pages = 0
    while not stop.is_set():
        assert "ダッシュボード" in supervisor.get("/dashboard/").text
        for path in ("/queues/all", "/forwarding/ledger", "/queues/all?sort=due"):
            assert supervisor.get(path).status_code == 200
        for path in ("/queues/team", "/queues/mine"):
            assert clerk.get(path).status_code == 200
        pages += 6
    return pages
