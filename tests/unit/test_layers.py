"""The lower layers do not know the web package: models, the engine, forms and reports import
no part of webapp/ (the database handle lives in models/db.py)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import pkgutil, importlib, sys
for package in ("models", "workflows", "forms", "reports", "japan"):
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        importlib.import_module(info.name)
print(sorted(m for m in sys.modules if m == "webapp" or m.startswith("webapp.")))
"""


def test_lower_layers_import_nothing_from_the_web_package():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
