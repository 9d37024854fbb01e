"""The catalogue of forwardable documents from seed 003 §2-4 and §2-5 (idempotent)."""

from __future__ import annotations

from sqlalchemy import select

from models.document_type import DocumentType
from models.office import Department
from webapp.extensions import db

# code, name, department, options. The city's list (主な回送対象書類一覧) names two examples
# per department; the others here show the rules: a low-volume document, one whose
# acceptance date matters, one with a deadline, and the temporary-window procedures.
CATALOGUE: list[tuple[str, str, str, dict]] = [
    ("HK", "国民健康保険高額療養費支給申請", "HOKEN", {}),
    ("IR", "小児(乳幼児等)医療証交付申請", "HOKEN", {}),
    ("IS", "国民健康保険移送費支給申請", "HOKEN", {"forwardable": False}),
    ("JF", "児童扶養手当変更届(住所・受給者氏名・金融機関)", "JIDOU",
     {"deadline_days": 14, "deadline_basis": "変更があった日"}),
    ("SN", "証明願(川崎市認可保育園に入所していないことの証明)", "JIDOU", {}),
    ("KG", "公害健康被害認定関係の申請", "CARE", {}),
    ("ZS", "小児・成人ぜん息患者医療費助成認定申請", "CARE", {}),
    ("SR", "出生連絡票", "SHIEN", {}),
    ("KN", "介護保険要介護・要支援認定申請", "KOUREI", {}),
    ("RT", "療育手帳交付申請書", "KOUREI", {}),
    ("TX", "重度障害者福祉タクシー利用券交付申請", "KOUREI", {"temporary_window": True}),
    ("FP", "ふれあいフリーパス交付申請", "KOUREI", {"temporary_window": True}),
    ("BS", "障害者乗合バス割引証申請", "KOUREI", {"temporary_window": True}),
    ("GN", "介護保険負担限度額認定申請", "KOUREI", {"temporary_window": True}),
    ("SH", "収入申告書", "HOGO", {}),
    ("SK", "資産申告書", "HOGO", {}),
    ("TS", "転出届", "KUMIN", {"acceptance_date_matters": True}),
]


def seed_catalogue() -> int:
    """Create the document types that do not exist yet; returns how many were created."""
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    existing = set(db.session.scalars(select(DocumentType.code)))
    created = 0
    for position, (code, name, dept, options) in enumerate(CATALOGUE):
        if code in existing or dept not in departments:
            continue
        db.session.add(DocumentType(code=code, name=name, department=departments[dept],
                                    position=position, **options))
        created += 1
    db.session.flush()
    return created
