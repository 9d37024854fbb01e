"""Forwarding API: shapes, status codes, Japanese messages and who may see what."""

import io
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from tests.support import forwarding as support

# Shared fixtures, found by pytest under these names.
fw = support.fw

BASE = "/api/v1/forwarding"
SHEETS = "枚数を入力してください（1〜999）。"


@pytest.fixture
def tokens(fw):
    from webapp import accounts
    from webapp.extensions import db

    raw = {k: accounts.create_token(None, u)[1] for k, u in fw["people"].items()}
    db.session.commit()
    return {k: {"Authorization": f"Bearer {v}"} for k, v in raw.items()}


def _body(**changes):
    body = {"office": "DAISHI", "resident": {"name": "川崎 太郎", "kana": "かわさき たろう",
                                             "phone": "０４４－１２３－４５６７"},
            "lines": [{"type": "HK", "sheets": 2}, {"type": "KN", "sheets": 1}]}
    body.update(changes)
    return body


def _issue(client, tokens, who="daishi", **changes):
    return client.post(f"{BASE}/receipts", json=_body(**changes), headers=tokens[who])


def test_document_types_list_the_catalogue_with_reasons(client, tokens):
    assert client.get(f"{BASE}/document-types").status_code == 401
    types = {t["code"]: t for t in client.get(f"{BASE}/document-types",
                                              headers=tokens["hoken"]).json["document_types"]}
    assert types["HK"] == {"code": "HK", "name": "国民健康保険高額療養費支給申請",
                           "department": "HOKEN", "department_name": "保険年金課",
                           "forwardable": True, "reason": None, "reason_message": None,
                           "deadline_days": None, "temporary_window": False}
    assert (types["IS"]["forwardable"], types["IS"]["reason"]) == (False, "not_listed")
    assert types["TS"]["reason_message"] == "申請受理日が重要な書類のため、回送できません。"
    assert {"SR", "RT", "SH", "SK", "ZS", "KG", "SN", "JF", "IR"} <= set(types)


def test_issue_returns_201_with_cases_and_numbers_per_department(client, tokens):
    response = _issue(client, tokens)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["receipt_numbers"] == ["大師-R8-HK-00001", "大師-R8-KN-00001"]
    assert [r["department"] for r in body["receipts"]] == ["HOKEN", "KOUREI"]
    assert len(set(body["case_ids"])) == 2 and all(body["case_ids"])
    got = client.get(f"{BASE}/receipts/{quote('大師-R8-HK-00001')}", headers=tokens["daishi"])
    assert got.status_code == 200
    assert got.json["resident"] == {"name": "川崎 太郎", "kana": "カワサキ タロウ",
                                    "phone": "044-123-4567"}
    assert got.json["status"] == "held" and got.json["lines"][0]["sheets"] == 2
    assert got.json["case_id"] == body["case_ids"][0]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"lines": [{"type": "ZZ", "sheets": 1}]}, "lines[0].type",
     "書類の種類 ZZ は登録されていません。"),
    ({"lines": [{"type": "HK", "sheets": 0}]}, "lines[0].sheets", SHEETS),
    ({"lines": [{"type": "HK", "sheets": -3}]}, "lines[0].sheets", SHEETS),
    ({"resident": {"name": "長" * 61, "phone": "044-123-4567"}}, "resident.name",
     "氏名は60文字以内で入力してください。"),
    ({"resident": {"name": "川崎", "phone": "abc"}}, "resident.phone",
     "電話番号を 044-123-4567 のように入力してください。"),
    ({"lines": []}, "lines", "書類は1〜20件をオブジェクトの配列で送ってください。"),
    ({"lines": [{"type": "HK", "sheets": 1}] * 21}, "lines",
     "書類は1〜20件をオブジェクトの配列で送ってください。"),
])
def test_bad_input_is_a_422_with_a_japanese_message_per_field(client, tokens, changes, field,
                                                              message):
    response = _issue(client, tokens, **changes)
    assert response.status_code == 422
    assert response.json["errors"][field] == [message]
    ledger = client.get(f"{BASE}/ledger", headers=tokens["sup"]).json
    assert ledger["count"] == 0


def test_not_forwardable_documents_are_refused_with_reasons(client, tokens):
    response = _issue(client, tokens, submitter="business")
    assert response.status_code == 422
    assert response.json["error"] == "回送できない書類があるため、預かり書は発行していません。"
    assert [r["reason"] for r in response.json["refusals"]] == ["business", "business"]
    urgent = _issue(client, tokens, lines=[{"type": "HK", "sheets": 1},
                                           {"type": "TS", "sheets": 1, "urgent": True}])
    assert urgent.json["refusals"] == [{"line": 1, "type": "TS", "reason": "urgent",
                                        "message": "緊急対応が必要なものは回送できません。",
                                        "take_to": "区民課"}]
    assert urgent.json["errors"] == {"lines[1].type": ["緊急対応が必要なものは回送できません。"]}


def test_authorisation_matrix(client, tokens):
    assert _issue(client, tokens, who="tajima").status_code == 403
    assert _issue(client, tokens, who="hoken").status_code == 403
    assert _issue(client, tokens, who="sup").status_code == 403
    assert _issue(client, tokens).status_code == 201
    tajima = _issue(client, tokens, who="tajima", office="TAJIMA",
                    lines=[{"type": "HK", "sheets": 1}])
    assert tajima.json["receipt_numbers"] == ["田島-R8-HK-00001"]
    hk = quote("大師-R8-HK-00001")
    expected = {"daishi": 200, "daishi2": 200, "tajima": 404, "hoken": 200, "kourei": 404,
                "sup": 200, "sup_kourei": 404, "admin": 200}
    for who, status in expected.items():
        got = client.get(f"{BASE}/receipts/{hk}", headers=tokens[who])
        assert got.status_code == status, who
        pdf = client.get(f"{BASE}/receipts/{hk}/pdf", headers=tokens[who])
        assert pdf.status_code == status, who
    # Another branch's receipt is indistinguishable from a number never issued: no owner
    # named, so nobody can count other branches' receipts.
    denied = client.get(f"{BASE}/receipts/{hk}", headers=tokens["tajima"]).json
    unissued = quote("大師-R8-HK-00999")
    missing = client.get(f"{BASE}/receipts/{unissued}", headers=tokens["tajima"]).json
    assert denied["error"] == missing["error"].replace("00999", "00001")
    assert "大師支所" not in denied["error"] and "保険年金課" not in denied["error"]
    assert client.get(f"{BASE}/receipts/{hk}/pdf", headers=tokens["daishi"]).data[:5] == b"%PDF-"
    assert client.get(f"{BASE}/receipts/nope", headers=tokens["sup"]).status_code == 404

    def numbers(who, query=""):
        body = client.get(f"{BASE}/ledger{query}", headers=tokens[who]).json
        return sorted(line["number"] for line in body["lines"])

    assert numbers("daishi") == ["大師-R8-HK-00001", "大師-R8-KN-00001"]
    assert numbers("tajima") == ["田島-R8-HK-00001"]
    assert numbers("hoken") == ["大師-R8-HK-00001", "田島-R8-HK-00001"]
    assert numbers("kourei") == ["大師-R8-KN-00001"]
    assert len(numbers("sup")) == 3 and numbers("sup_kourei") == ["大師-R8-KN-00001"]
    assert client.get(f"{BASE}/ledger", headers=tokens["tajima"]).status_code == 200


def test_ledger_filters_and_formats(client, tokens):
    _issue(client, tokens)
    _issue(client, tokens, who="tajima", office="TAJIMA", lines=[{"type": "IR", "sheets": 3}])

    def get(query):
        return client.get(f"{BASE}/ledger?{query}", headers=tokens["sup"])

    assert [x["number"] for x in get("office=TAJIMA").json["lines"]] == ["田島-R8-IR-00001"]
    assert get("department=KOUREI&type=KN&status=held").json["count"] == 1
    assert get("status=filed").json["count"] == 0
    assert get("from=2099-01-01").json["count"] == 0
    line = get("type=HK").json["lines"][0]
    assert line["status"] == "held" and line["resident"] == "川崎 太郎"
    bad = get("office=NOPE&status=lost&from=2026-13-01")
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"office", "status", "from"}
    assert get("format=csv").status_code == 422
    xlsx = get("format=xlsx")
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx.mimetype
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    assert ws.title == "回送管理簿" and ws.max_row == 3 + 3
    pdf = get("format=pdf&office=DAISHI")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
