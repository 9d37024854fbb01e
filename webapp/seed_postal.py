"""Procedures accepted by post (seed 003 §2-3) with their postal terms (idempotent)."""

from __future__ import annotations

from sqlalchemy import select

from forms.postal import POSTAL_PAPER
from models.office import Department, Office
from models.postal import PostalTerms
from models.procedure import Procedure
from models.user import User
from webapp import accounts
from webapp.extensions import db
from workflows.applications.catalogue import search_text

WARD_ADDRESS = "〒210-8570 川崎市川崎区東田町8 川崎区役所"
ID_COPY = "本人確認書類の写し"
RETURN = "返信用封筒（切手貼付）"

# code, name, department, category, terms
CATALOGUE: list[tuple[str, str, str, str, dict]] = [
    ("POST_TENSHUTSU", "転出届", "KUMIN", "戸籍・住民基本台帳・マイナンバー届出関連", {
        "enclosures": ["転出届（郵送用）", ID_COPY, RETURN], "deadline_rule": "arrival",
        "deadline_days": 14, "deadline_basis": "転出した日"}),
    ("POST_KISAI_SHOMEI", "証明発行（届書記載事項証明）", "KUMIN",
     "戸籍・住民基本台帳・マイナンバー届出関連", {
         "enclosures": ["請求書", ID_COPY, "定額小為替", RETURN], "fee": 350,
         "fee_note": "1通につき350円", "money_order_accepted": True}),
    ("POST_NENKIN_MENJO", "国民年金保険料免除・納付猶予申請", "HOKEN",
     "国民健康保険・国民年金・介護保険・後期高齢者医療関連", {
         "enclosures": ["免除・納付猶予申請書", "年金手帳または基礎年金番号通知書の写し",
                        "失業等の場合は雇用保険受給資格者証の写し"],
         "deadline_rule": "postmark"}),
    ("POST_KAMIOMUTSU", "高齢者在宅サービス(紙おむつ)利用申出", "KOUREI",
     "児童家庭支援・高齢者支援・障害者支援関連", {
         "enclosures": ["利用申出書", "介護保険被保険者証の写し"]}),
    ("POST_SHUNYU_SHINKOKU", "収入申告", "HOGO", "生活保護関連", {
        "enclosures": ["収入申告書", "給与明細書等の写し"], "deadline_rule": "postmark",
        "deadline_basis": "保護課が指定した提出期限"}),
    ("POST_SHISAN_SHINKOKU", "資産申告", "HOGO", "生活保護関連", {
        "enclosures": ["資産申告書", "預貯金通帳の写し"], "deadline_rule": "postmark",
        "deadline_basis": "保護課が指定した提出期限"}),
    ("POST_SHUSSEI_RENRAKU", "出生連絡票の提出", "SHIEN",
     "保健・健康づくり、地域包括システムの構築関連", {
         "enclosures": ["出生連絡票"], "deadline_rule": "arrival", "deadline_days": 28,
         "deadline_basis": "出生日"}),
]


def seed_catalogue() -> int:
    """Create the postal procedures that do not exist yet; returns how many were created."""
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    existing = set(db.session.scalars(select(Procedure.code)))
    created = 0
    for position, (code, name, dept, category, terms) in enumerate(CATALOGUE, 100):
        if code in existing or dept not in departments:
            continue
        department = departments[dept]
        procedure = Procedure(
            code=code, name=name, audience="individual", category=category,
            organisation=f"川崎区役所 {department.name}", department=department,
            summary=f"{name}を郵送で受け付けます。", form_key=POSTAL_PAPER.key,
            how_to_apply="必要書類を同封し、担当課あてに郵送してください。",
            contact_name=f"川崎区役所 {department.name}", channels=["postal"],
            process_id="postal_application", position=position)
        procedure.search_text = search_text(procedure)
        db.session.add(procedure)
        db.session.flush()
        db.session.add(PostalTerms(procedure_id=procedure.id,
                                   send_to=f"{WARD_ADDRESS} {department.name}", **terms))
        created += 1
    db.session.flush()
    return created


# The mail room (郵便受付) of the demo: a ward clerk of 区民課 registers every envelope.
DEMO_MAIL_ROOM = ("ward.kumin", "区民 郵子")


def seed_demo(password: str) -> bool:
    """The postal catalogue and the demo mail-room clerk; True when the clerk was created."""
    seed_catalogue()
    username, name = DEMO_MAIL_ROOM
    if db.session.scalar(select(User.id).where(User.username == username)):
        return False
    office = db.session.scalar(select(Office).where(Office.code == "KAWASAKI"))
    kumin = db.session.scalar(select(Department).where(Department.code == "KUMIN"))
    accounts.create_user(None, username=username, display_name=name, password=password,
                         office=office, departments=[kumin], roles=["ward_clerk"])
    return True
