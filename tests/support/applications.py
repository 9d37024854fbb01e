"""Fixtures and helpers for the online-application tests (import the fixtures into a module)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[2]
# Monday 2026-06-01 10:00 JST.
T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
PASSWORD = "correct-horse-battery"
HEADER = ["事業所番号", "サービス提供年月", "請求自治体コード", "受給者証番号", "金額"]


@pytest.fixture
def app_config() -> dict:
    return {"PUBLIC_BASE_URL": "https://madoguchi.example"}


STAFF = [  # username, roles, departments
    ("ward.kourei", ["ward_clerk"], ["KOUREI"]), ("ward.hoken", ["ward_clerk"], ["HOKEN"]),
    ("ward.kumin", ["ward_clerk"], ["KUMIN"]),  # 粗大ごみ (SODAI_GOMI) is reviewed at 区民課
    ("supervisor", ["supervisor"], ["KOUREI", "KUMIN"]), ("admin", ["admin"], []),
    ("intake.portal", ["integration"], []), ("intake.other", ["integration"], []),
]
NAMES = {"ward.kourei": "kourei", "ward.hoken": "hoken", "ward.kumin": "kumin",
         "supervisor": "sup", "admin": "admin",
         "intake.portal": "intake", "intake.other": "intake2"}


@pytest.fixture
def world(app, session, org):
    """Catalogue, the online_application process, staff, integration tokens, two applicants."""
    from webapp import accounts, seed_applications
    from workflows import registry

    seed_applications.seed_catalogue()
    bpmn = ROOT / "bpmn" / "online_application" / "online_application.bpmn"
    registry.deploy({bpmn.name: bpmn.read_bytes()}, None)
    people = {}
    for username, roles, departments in STAFF:
        people[NAMES[username]] = accounts.create_user(
            None, username=username, display_name=username, password="correct-horse",
            office=org["offices"]["KAWASAKI"], roles=roles,
            departments=[org["departments"][c] for c in departments])
    tokens = {name: accounts.create_token(None, people[name])[1]
              for name in ("intake", "intake2", "kourei")}
    applicants = {"a": make_applicant("a@example.jp", "川崎介護株式会社"),
                  "b": make_applicant("b@example.jp", "田島 太郎")}
    session.commit()
    return {**people, "tokens": tokens, **applicants}


def make_applicant(email: str, name: str, verified: bool = True):
    from models.applicant import Applicant
    from webapp.extensions import db
    from workflows.applications.applicants import _hash

    applicant = Applicant(email=email, password_hash=_hash(PASSWORD), display_name=name,
                          kind="business", email_verified_at=T0 if verified else None)
    db.session.add(applicant)
    db.session.flush()
    return applicant


def workbook(rows=None, *, header=HEADER, sheet_title="請求情報") -> bytes:
    """A small claim workbook (.xlsx bytes)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_title
    sheet.append(header)
    for row in rows if rows is not None else [
            ["1234567890", "202305", "141305", "0000000001", 1200],
            ["1234567890", "202305", "141305", "0000000002", 800]]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def duplicate_rows() -> list:
    return [["1234567890", "202305", "141305", "0000000001", 1200],
            ["1234567890", "202306", "141305", "0000000001", 900],
            ["1234567890", "2023/05", "141305", "0000000001", 1200]]


def with_content_type(content: bytes, old: bytes, new: bytes) -> bytes:
    """Rewrite [Content_Types].xml of a workbook (e.g. to claim it holds macros)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(old, new)
            target.writestr(info, data)
    return out.getvalue()


def kaigo_fields(**changes) -> dict:
    fields = {"corporation_name": "川崎市デジタル化推進室", "office_name": "川崎介護事業所",
              "office_number": "1234567890", "email": "notice@example.jp",
              "email_confirm": "notice@example.jp", "phone": "044-200-2077",
              "data_sent_on": "2022-12-19", "contact_family_name": "川崎",
              "contact_given_name": "花子", "remarks": "連絡事項はありません"}
    fields.update(changes)
    return fields


def sodai_fields(**changes) -> dict:
    fields = {"family_name": "川崎", "given_name": "太郎", "address": "川崎区宮本町1番地",
              "phone": "0442002077", "email": "taro@example.jp", "email_confirm": "taro@example.jp",
              "items": "たんす×1", "item_count": "1", "preferred_date": "2026-06-20"}
    fields.update(changes)
    return fields


def portal_login(client, email: str, password: str = PASSWORD, follow: bool = False):
    return client.post("/portal/login", data={"email": email, "password": password},
                       follow_redirects=follow)


def submit_kaigo(client, *, fields=None, content=None, filename="kago(1234567890).xlsx"):
    """The three portal steps; returns the application number from the completion page."""
    data = {**(fields or kaigo_fields()), "action": "next",
            "attachment": (io.BytesIO(content or workbook()), filename)}
    response = client.post("/portal/procedures/KAIGO_TORISAGE/apply", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    confirm = response.headers["Location"]
    submit = confirm.replace("/confirm", "/submit")
    done = client.post(submit)
    assert done.status_code == 302
    return done.headers["Location"].rstrip("/").split("/")[-2]


def outbox(kind: str | None = None, to: str | None = None) -> list:
    from models.outbox import OutboxMessage
    from webapp.extensions import db

    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if to:
        query = query.where(OutboxMessage.to_addr == to)
    return list(db.session.scalars(query))


def count(model, *where) -> int:
    from webapp.extensions import db

    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def link_in(body: str) -> str:
    """The first portal path in an e-mail body."""
    return re.search(r"https://madoguchi\.example(/portal/\S+)", body).group(1)
