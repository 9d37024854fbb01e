"""The database handle and the constraint naming convention, beside the models that use them.

It lives here, not in the web package, so that models/ and workflows/ import no part of
webapp/; create_app() binds it to the app (webapp/extensions.py re-exports it).
"""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Objects stay readable after the single commit at the end of a request or job step, instead
# of being reloaded attribute by attribute; each request still starts with a fresh session.
db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING),
                session_options={"expire_on_commit": False})
