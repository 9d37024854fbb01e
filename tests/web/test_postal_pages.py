"""The postal screens: register an envelope, review, letters, dispatch, registers; API."""

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import login
from tests.support import postal as support
from tests.support.postal import register

# Shared fixtures, found by pytest under these names.
postal = support.postal


@pytest.fixture
def as_user(postal, new_client):
    def signed_in(username):
        client = new_client()
        assert login(client, username).status_code == 302
        return client

    return signed_in


@pytest.fixture
def tokens(postal):
    from webapp import accounts
    from webapp.extensions import db

    raw = {k: accounts.create_token(None, u)[1] for k, u in postal["people"].items()}
    db.session.commit()
    return {k: {"Authorization": f"Bearer {v}"} for k, v in raw.items()}


def _form(**extra):
    data = {"procedure_code": "POST_KISAI_SHOMEI", "arrival_date": "2026-06-01",
            "postmark_date": "2026-05-30", "sender_name": "ｶﾜｻｷ 花子",
            "sender_postal_code": "２１０－０００１", "sender_address": "",
            "enclosures": ["請求書", "定額小為替"], "mo_number_0": "12-3456",
            "mo_amount_0": "300", "return_envelope": "y"}
    data.update(extra)
    return data


def test_mail_room_registers_an_envelope_and_it_reaches_the_departments_queue(as_user, postal):
    client = as_user("ward.kumin")
    page = client.get("/postal/envelopes/new")
    assert page.status_code == 200 and "POST_KISAI_SHOMEI" in page.text
    looked = client.post("/postal/envelopes/new", data=_form(lookup="1"))
    assert "神奈川県川崎市川崎区本町" in looked.text
    done = client.post("/postal/envelopes/new", data=_form(), follow_redirects=True)
    assert "郵R8-00001" in done.text
    queue = as_user("ward.kumin").get("/queues/team")
    assert "郵送申請の審査" in queue.text


def test_bad_input_shows_messages_and_registers_nothing(as_user, postal, session):
    from models.postal import PostalEnvelope

    client = as_user("ward.kumin")
    page = client.post("/postal/envelopes/new", data=_form(
        postmark_date="2026-06-05", mo_amount_0="-300", sender_postal_code="999-9999"))
    assert page.status_code == 200
    assert "999-9999" in page.text and "消印日が到着日より後になっています" in page.text
    assert "定額小為替の金額は0円より大きくしてください" in page.text
    assert session.query(PostalEnvelope).count() == 0


def test_duplicate_envelope_is_a_warning_the_clerk_confirms(as_user, postal, session):
    from models.postal import PostalEnvelope

    client = as_user("ward.kumin")
    client.post("/postal/envelopes/new", data=_form())
    warned = client.post("/postal/envelopes/new", data=_form())
    assert "郵R8-00001" in warned.text and 'name="confirm_duplicate"' in warned.text
    assert session.query(PostalEnvelope).count() == 1
    client.post("/postal/envelopes/new", data=_form(confirm_duplicate="y"))
    assert session.query(PostalEnvelope).count() == 2


def test_review_letter_and_dispatch_on_the_case_page(as_user, postal):
    case = register(postal, sender={"name": "川崎 花子", "postal_code": "2100001"},
                    postmark_date="2026-05-01").outcome.case
    client = as_user("ward.hoken")
    page = client.get(f"/postal/cases/{case.number}")
    assert page.status_code == 200 and "郵R8-00001" in page.text
    client.post(f"/postal/cases/{case.number}/review", data={
        "decision": "incomplete", "missing": ["免除・納付猶予申請書"], "message": "署名なし"})
    page = client.get(f"/postal/cases/{case.number}")
    assert "letter-correction.pdf" in page.text
    pdf = client.get(f"/postal/cases/{case.number}/letter-correction.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    client.post(f"/postal/cases/{case.number}/send", data={
        "sent_on": "2026-06-01", "method": "ordinary", "tracking_number": ""})
    page = client.get(f"/postal/cases/{case.number}")
    assert f"/postal/envelopes/new?case={case.number}" in page.text
    other = as_user("ward.kourei").get(f"/postal/cases/{case.number}")
    assert other.status_code == 404


def test_generic_task_page_points_to_the_postal_page(as_user, postal):
    from workflows.postal.steps import open_step

    case = register(postal).outcome.case
    item = open_step(case)
    page = as_user("ward.hoken").get(f"/tasks/{item.task_id}")
    assert f"/postal/cases/{case.number}" in page.text


def test_registers_page_and_downloads(as_user, postal):
    register(postal)
    client = as_user("supervisor")
    page = client.get("/postal/registers")
    assert page.status_code == 200 and "郵R8-00001" in page.text
    xlsx = client.get("/postal/registers?format=xlsx&department=HOKEN")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.cell(4, 1).value == "郵R8-00001"
    assert client.get("/postal/registers?register=dispatch&format=pdf").data.startswith(b"%PDF")
    cash = client.get("/postal/registers/money-orders?department=KUMIN&day=2026-06-01"
                      "&format=xlsx")
    assert cash.status_code == 200


def test_api_registers_an_envelope_and_reads_the_register(postal, client, tokens):
    from tests.support.postal import body

    answer = client.post("/api/v1/postal/envelopes", json=body(), headers=tokens["mailroom"])
    assert answer.status_code == 201, answer.json
    assert answer.json["intake_number"] == "郵R8-00001" and answer.json["case_id"]
    assert answer.json["sender"]["address"] == "神奈川県川崎市川崎区本町"
    again = client.post("/api/v1/postal/envelopes", json=body(), headers=tokens["mailroom"])
    assert again.status_code == 422 and again.json["warning"] is True
    bad = client.post("/api/v1/postal/envelopes", json=body(
        procedure_code="NOPE", arrival_date="2099-01-01"), headers=tokens["mailroom"])
    assert bad.status_code == 422 and "procedure_code" in bad.json["errors"]
    register = client.get("/api/v1/postal/register?department=HOKEN",
                          headers=tokens["hoken"])
    assert [line["intake_number"] for line in register.json["lines"]] == ["郵R8-00001"]
    xlsx = client.get("/api/v1/postal/register?format=xlsx", headers=tokens["sup"])
    assert load_workbook(io.BytesIO(xlsx.data)).active.title == "郵送受付簿"
    assert client.get("/api/v1/postal/register?format=doc",
                      headers=tokens["sup"]).status_code == 422
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/postal/envelopes" in spec["paths"] and "EnvelopeRequest" in \
        spec["components"]["schemas"]


def test_a_late_envelope_is_shown_prominently_with_the_rule_applied(as_user, postal):
    from datetime import UTC, datetime

    now = datetime(2026, 5, 8, 3, 0, tzinfo=UTC)
    case = register(postal, code="POST_TENSHUTSU", now=now, arrival_date="2026-05-08",
                    postmark_date="2026-05-07", event_date="2026-04-19").outcome.case
    page = as_user("ward.kumin").get(f"/postal/cases/{case.number}")
    assert 'class="card warning late-banner"' in page.text
    assert "必着（到着日で判定）" in page.text and "期限を1日過ぎています" in page.text
    assert "閉庁日のため翌開庁日に延長" in page.text


def test_queue_search_finds_a_case_by_any_of_its_envelopes(as_user, postal, session):
    from datetime import date, timedelta

    from tests.support.postal import T0
    from workflows.postal import dispatch, review

    hoken = postal["people"]["hoken"]
    case = register(postal).outcome.case
    review.decide(case, hoken, decision="incomplete", missing=[], message="署名なし", now=T0)
    dispatch.send(case, hoken, sent_on=date(2026, 6, 1), method="ordinary", now=T0)
    session.commit()
    again = register(postal, who="hoken", case_id=case.number, arrival_date="2026-06-05",
                     postmark_date="2026-06-04", now=T0 + timedelta(days=4),
                     sender={"name": "川崎 花子", "postal_code": "2100001"},
                     confirm_duplicate=True)
    assert again.envelope.intake_number == "郵R8-00002"
    clerk = as_user("ward.hoken")
    found = clerk.get("/queues/team", query_string={"q": "郵Ｒ８－００００２"}).text
    assert case.number in found
    other = clerk.get("/queues/team", query_string={"q": "郵R8-00009"}).text
    assert case.number not in other


@pytest.mark.parametrize("field", ["arrival_date", "postmark_date", "event_date", "deadline"])
def test_api_envelope_dates_past_the_calendar_are_field_errors(postal, client, tokens, field):
    from tests.support.postal import body

    answer = client.post("/api/v1/postal/envelopes", json=body(**{field: "9999-12-31"}),
                         headers=tokens["mailroom"])
    assert answer.status_code == 422
    assert answer.json["errors"][field] == ["入力できる範囲の日付を入力してください。"]
