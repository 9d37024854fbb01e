"""seed-demo: demo-only, idempotent, and every demo user signs in with role navigation."""

import pytest

from tests.conftest import login
from webapp.seed import DEMO_USERS


@pytest.fixture
def app_config():
    return {"MADOGUCHI_DEMO": True, "PASSWORD_MIN_LENGTH": 4}


def test_seed_demo_refuses_outside_demo_mode(app):
    app.config["MADOGUCHI_DEMO"] = False
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "MADOGUCHI_DEMO=1" in result.output


def test_seed_demo_is_idempotent_and_users_sign_in(app, new_client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and f"users +{len(DEMO_USERS)}" in first.output
    assert second.exit_code == 0 and "users +0" in second.output
    for username, *_rest in DEMO_USERS:
        client = new_client()
        assert login(client, username, "demo").headers["Location"] == "/", username
        page = client.get("/").get_data(as_text=True)
        assert ('href="/admin/users"' in page) == (username == "admin")


def test_seed_demo_gives_sodai_gomi_its_department_back(app, session):
    """A demo database seeded before: 粗大ごみ had no department and migration 0009 closed
    it; seed-demo gives it 区民課 and opens it again."""
    from models.procedure import Procedure

    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    sodai = session.query(Procedure).filter_by(code="SODAI_GOMI").one()
    assert sodai.department.code == "KUMIN"
    sodai.department, sodai.active = None, False  # as seeded before, then migrated
    session.commit()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    session.expire_all()
    sodai = session.query(Procedure).filter_by(code="SODAI_GOMI").one()
    assert sodai.department.code == "KUMIN" and sodai.active
