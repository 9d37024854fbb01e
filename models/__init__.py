"""Flask-SQLAlchemy models, one module per aggregate; importing this registers all tables."""

from models import api_token, audit, office, user  # noqa: F401
