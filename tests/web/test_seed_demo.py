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
