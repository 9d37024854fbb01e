"""Idempotent seeding of the organisation and of the demo users."""

from __future__ import annotations

from sqlalchemy import select

from models.office import Department, Office
from models.user import User
from webapp import accounts
from webapp.extensions import db

OFFICES = [
    ("KAWASAKI", "川崎区役所", "川崎", "ward"),
    ("DAISHI", "大師支所", "大師", "branch"),
    ("TAJIMA", "田島支所", "田島", "branch"),
]

DEPARTMENTS = [
    ("HOKEN", "保険年金課"),
    ("JIDOU", "児童家庭課"),
    ("CARE", "地域ケア推進課"),
    ("SHIEN", "地域支援課"),
    ("KOUREI", "高齢・障害課"),
    ("HOGO", "保護課"),
    ("KUMIN", "区民課"),
]

# username, display name, office, departments ("*" = all), roles
DEMO_USERS = [
    ("branch.daishi", "大師 花子", "DAISHI", [], ["branch_clerk"]),
    ("branch.tajima", "田島 一郎", "TAJIMA", [], ["branch_clerk"]),
    ("ward.hoken", "保険 太郎", "KAWASAKI", ["HOKEN"], ["ward_clerk"]),
    ("ward.kourei", "高齢 さくら", "KAWASAKI", ["KOUREI"], ["ward_clerk"]),
    ("ward.jidou", "児童 健", "KAWASAKI", ["JIDOU"], ["ward_clerk"]),
    ("supervisor", "係長 真理", "KAWASAKI", ["*"], ["supervisor"]),
    ("designer", "設計 修", "KAWASAKI", [], ["designer"]),
    ("admin", "管理 者", "KAWASAKI", [], ["admin"]),
    ("intake.portal", "電子申請システム連携", "KAWASAKI", [], ["integration"]),
]
DEMO_PASSWORD = "demo"


def seed_org() -> dict[str, int]:
    """Create the offices and departments that do not exist yet; returns counts created."""
    created = {"offices": 0, "departments": 0}
    offices = {o.code: o for o in db.session.scalars(select(Office))}
    for code, name, short, kind in OFFICES:
        if code not in offices:
            offices[code] = Office(code=code, name=name, short_name=short, kind=kind)
            db.session.add(offices[code])
            created["offices"] += 1
    existing = set(db.session.scalars(select(Department.code)))
    for position, (code, name) in enumerate(DEPARTMENTS):
        if code not in existing:
            db.session.add(Department(code=code, name=name, position=position,
                                      office=offices["KAWASAKI"]))
            created["departments"] += 1
    db.session.flush()
    return created


def seed_demo_users() -> list[str]:
    """Create the demo users that do not exist yet; returns their usernames."""
    offices = {o.code: o for o in db.session.scalars(select(Office))}
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    made = []
    for username, name, office, dept_codes, roles in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        chosen = list(departments.values()) if dept_codes == ["*"] else [
            departments[c] for c in dept_codes]
        accounts.create_user(None, username=username, display_name=name, password=DEMO_PASSWORD,
                             office=offices[office], departments=chosen, roles=roles)
        made.append(username)
    from webapp import seed_postal  # the postal catalogue needs the departments above

    seed_postal.seed_demo(DEMO_PASSWORD)
    return made
