"""Locust scenario of a working day (issue 15, P10), run by bench/bench_load.py.

Staff sign in through the login form once and then work with the pages, posting forms with the
CSRF token from the page they are on:
- clerks of 高齢・障害課 take a task from the team queue, open it and accept the application;
- branch counter clerks issue custody receipts (and the receipts PDF opens, as it does);
- supervisors read the dashboard, all tasks and the forwarding ledger;
plus other systems posting applications (with a workbook) to the intake API, which fill the
clerks' queue. Users and tokens come from bench_load (LOAD_USERS, a JSON file); LOAD_PDF=0
leaves the receipts PDF out (to measure what it costs the pages). Request names
start with the kind: "page", "pdf" or "api"; every sample goes to LOAD_SAMPLES at the end.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CLAIM = re.compile(r'action="/queues/claim/([0-9a-f-]{36})"')
APPLICATION = re.compile(r'href="/applications/(\d{8})"')
USERS = json.loads(open(os.environ["LOAD_USERS"]).read())  # noqa: SIM115 - read once
_names = {kind: itertools.cycle(names) for kind, names in USERS["staff"].items()}
SAMPLES: list[tuple[str, float, bool]] = []


@events.request.add_listener
def _sample(request_type, name, response_time, response_length, exception, **_kw) -> None:
    SAMPLES.append((name, response_time, exception is None))


@events.quitting.add_listener
def _write(**_kw) -> None:
    with open(os.environ["LOAD_SAMPLES"], "w") as out:
        json.dump(SAMPLES, out)


class Staff(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.csrf = ""
        self.page("/login", "page: login form")
        self.post("/login", "page: sign in", {"username": next(_names[self.kind]),
                                              "password": USERS["password"]})
        self.page("/", "page: home")

    def _keep(self, response):
        if "text/html" in response.headers.get("Content-Type", ""):
            found = CSRF.search(response.text)
            if found:
                self.csrf = found.group(1)
        return response

    def page(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            return self._keep(response)

    def post(self, path: str, name: str, data: dict):
        with self.client.post(path, name=name, data={**data, "csrf_token": self.csrf},
                              allow_redirects=True, catch_response=True) as response:
            if response.status_code >= 400:
                response.failure(f"{response.status_code}")
            return self._keep(response)


class Clerk(Staff):
    kind = "clerk"
    weight = 25

    @task
    def take_and_accept(self) -> None:
        queue = self.page("/queues/team", "page: team queue")
        tasks = CLAIM.findall(queue.text)
        if not tasks:
            self.page("/queues/mine", "page: my tasks")
            return
        task_id = random.choice(tasks[:10])
        self.post(f"/queues/claim/{task_id}", "page: claim (→ my tasks)",
                  {"next": "/queues/mine"})
        work = self.page(f"/tasks/{task_id}", "page: task")
        number = APPLICATION.search(work.text)
        if number is None:  # a colleague took it first: the page says so
            return
        self.page(f"/applications/{number.group(1)}", "page: application")
        self.post(f"/applications/{number.group(1)}/review", "page: accept (→ application)",
                  {"decision": "accept", "message": "受理します"})


class Counter(Staff):
    kind = "counter"
    weight = 10

    @task
    def issue(self) -> None:
        self.page("/forwarding/counter", "page: counter")
        done = self.post("/forwarding/counter", "page: issue receipts (→ counter)", {
            "resident_name": "川崎 花子", "resident_kana": "かわさき はなこ",
            "phone": "090-1234-5678", "submitter": "individual",
            "lines-0-document_type": "HK", "lines-0-sheets": "2",
            "lines-1-document_type": "KN", "lines-1-sheets": "1"})
        pdf = re.search(r'href="(/forwarding/visits/\w+/receipt.pdf)"', done.text)
        if pdf and os.environ.get("LOAD_PDF", "1") == "1":
            self.client.get(pdf.group(1), name="pdf: receipts")


class Supervisor(Staff):
    kind = "supervisor"
    weight = 10

    @task(3)
    def dashboard(self) -> None:
        self.page("/dashboard/", "page: dashboard")

    @task(2)
    def all_tasks(self) -> None:
        self.page("/queues/all", "page: all tasks")

    @task(2)
    def ledger(self) -> None:
        self.page("/forwarding/ledger", "page: ledger")


class Intake(HttpUser):
    """Another system posting applications with a workbook (a new Idempotency-Key each)."""

    weight = 5
    fixed_count = 2
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.token = USERS["token"]
        self.body = {"procedure_code": "KAIGO_TORISAGE",
                     "applicant": {"name": "川崎介護株式会社", "email": "o@example.jp"},
                     "fields": USERS["fields"],
                     "attachments": [{"field": "attachment", "filename": "kago(1234567890).xlsx",
                                      "content_base64": USERS["workbook"]}]}

    @task
    def apply(self) -> None:
        with self.client.post("/api/v1/applications", json=self.body, name="api: intake",
                              headers={"Authorization": f"Bearer {self.token}",
                                       "Idempotency-Key": uuid.uuid4().hex},
                              catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}")


