"""Flask-SQLAlchemy models, one module per aggregate; importing this registers all tables."""

from models import (  # noqa: F401
    api_token,
    audit,
    case,
    counter,
    office,
    process,
    timer,
    user,
    work_item,
)
