"""The online procedure catalogue from seeds 000/001 (idempotent: existing codes are kept)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from japan.calendar import JST
from models.office import Department
from models.procedure import Procedure
from webapp.extensions import db
from workflows.applications.catalogue import search_text

WELFARE = "福祉・医療・保健・衛生"
ADDRESS = "住所の届出・保険・年金・税金"
CHILDREN = "子育て・教育"
LIVING = "暮らし・環境"

# code, name, audience, category, organisation, department, form, options
CATALOGUE: list[tuple[str, str, str, str, str, str, str, dict]] = [
    ("KAIGO_TORISAGE", "介護給付費の取下げ", "business", WELFARE, "健康福祉局", "KOUREI",
     "kaigo_torisage", {
         "summary": "介護給付費等取下依頼に関する手続です。",
         "how_to_apply": "取り下げ依頼書（Excel）を市のホームページからダウンロードし、"
                         "ファイル名を kago(事業所番号).xlsx として添付してください。"
                         "取下げ依頼は随時受け付けます。",
         "accept_from": datetime(2023, 3, 6, tzinfo=JST),
         "contact_name": "介護給付費取下げコールセンター専用ナビダイヤル",
         "contact_phone": "0570005503"}),
    ("JUMINHYO", "住民票の写し等の交付申請", "individual", ADDRESS, "市民文化局 区民課", "KUMIN",
     "juminhyo", {
         "summary": "住民票の写しや住民票記載事項証明書を郵送で受け取るための申請です。",
         "how_to_apply": "本人確認書類（運転免許証など）の画像を添付してください。"
                         "交付は申請者の住所あてに郵送します。",
         "accept_from": datetime(2023, 4, 1, tzinfo=JST),
         "contact_name": "川崎区役所 区民課", "contact_phone": "0442013144",
         "channels": ["online", "postal"]}),
    ("JIDO_FUYO_HENKO", "児童扶養手当変更届", "individual", CHILDREN, "こども未来局 児童家庭課",
     "JIDOU", "jido_fuyo_henko", {
         "summary": "児童扶養手当の受給者の住所・氏名・振込先金融機関が変わったときの届出です。",
         "how_to_apply": "変更があった日から14日以内に届け出てください。"
                         "支所の窓口に提出された届出は区役所へ回送されます。",
         "accept_from": datetime(2023, 4, 1, tzinfo=JST),
         "contact_name": "川崎区役所 児童家庭課", "contact_phone": "0442013210",
         "channels": ["online", "postal", "branch"]}),
    # Reviewed at the ward office's general counter (区民課): the demo has no 生活環境 section.
    ("SODAI_GOMI", "粗大ごみ収集申込", "individual", LIVING, "環境局 生活環境部", "KUMIN",
     "sodai_gomi", {
         "summary": "粗大ごみの収集を申し込む手続です。収集日と手数料は受付後にお知らせします。",
         "how_to_apply": "収集を希望する品目と数量を入力してください。",
         "accept_from": datetime(2023, 3, 1, tzinfo=JST),
         "contact_name": "粗大ごみ受付センター", "contact_phone": "0448111153"}),
    ("KAIGO_FUTAN_GENDO", "介護保険負担限度額認定申請", "individual", WELFARE,
     "健康福祉局 高齢・障害課", "KOUREI", "basic_request", {
         "summary": "介護保険施設の食費・居住費の負担限度額の認定を受けるための申請です"
                    "（更新の受付期間のみ）。",
         "how_to_apply": "預貯金等の写しを添付してください。",
         "accept_from": datetime(2026, 6, 20, tzinfo=JST),
         "accept_until": datetime(2026, 7, 10, 23, 59, tzinfo=JST),
         "contact_name": "川崎区役所 高齢・障害課", "contact_phone": "0442013080",
         "channels": ["online", "postal", "branch"]}),
]


def seed_catalogue() -> int:
    """Create the procedures that do not exist yet; returns how many were created."""
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    existing = {p.code: p for p in db.session.scalars(select(Procedure))}
    created = 0
    for position, (code, name, audience, category, organisation, dept, form, options) \
            in enumerate(CATALOGUE):
        if code in existing:
            _repair(existing[code], departments.get(dept))
            continue
        options = dict(options)
        procedure = Procedure(code=code, name=name, audience=audience, category=category,
                              organisation=organisation, department=departments.get(dept),
                              form_key=form, position=position,
                              channels=options.pop("channels", ["online"]), **options)
        procedure.search_text = search_text(procedure)
        db.session.add(procedure)
        created += 1
    db.session.flush()
    return created


def _repair(procedure: Procedure, department: Department | None) -> None:
    """A demo procedure seeded without its reviewing department (SODAI_GOMI before 0009) gets
    it, and opens again if migration 0009 closed it for lacking one."""
    if procedure.department_id is None and department is not None:
        procedure.department = department
        procedure.active = True
