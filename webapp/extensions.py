"""Flask extensions, created unbound and initialised by create_app()."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from models.db import NAMING, db

__all__ = ["NAMING", "babel", "csrf", "db", "login_manager", "migrate"]

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
