import sys

from webapp import create_app
from webapp.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # a configuration mistake is a message, not a traceback
    sys.exit(f"madoguchi: {exc}")
