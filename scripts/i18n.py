"""Keep the message catalogues in step with the code.

  python scripts/i18n.py extract   re-extract messages and update ja/en catalogues
  python scripts/i18n.py check     fail if any message is missing or untranslated in ja
  python scripts/i18n.py merge F   merge translations from PO fragment F into ja
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "webapp" / "translations"
POT = ROOT / "build" / "messages.pot"


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def save(catalog: Catalog, path: Path) -> None:
    catalog.fuzzy = False  # a fuzzy header would make pybabel skip the whole catalogue
    catalog.project, catalog.version = "Madoguchi", "1"
    catalog.copyright_holder = "Madoguchi developers"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, sort_output=True, no_location=True)


def extract() -> Catalog:
    POT.parent.mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "-o", str(POT),
                    "--ignore-dirs", ".* _* node_modules build", "--no-location",
                    "--sort-output", str(ROOT)], check=True)
    return load(POT)


def update() -> None:
    template = extract()
    for locale in ("ja", "en"):
        path = po_path(locale)
        catalog = load(path, locale) if path.exists() else Catalog(locale=locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        save(catalog, path)


def _translated(string) -> bool:
    """A plural entry (a tuple of forms) counts only when every form is filled in."""
    return all(string) if isinstance(string, tuple) else bool(string)


def check() -> int:
    template = extract()
    ja = load(po_path("ja"), "ja")
    problems = [m.id for m in template if m.id and (m.id not in ja or ja[m.id].fuzzy
                                                    or not _translated(ja[m.id].string))]
    for msgid in problems:
        print(f"untranslated in ja: {msgid!r}")
    return 1 if problems else 0


def merge(fragment: Path) -> None:
    ja = load(po_path("ja"), "ja")
    for message in load(fragment, "ja"):
        if not (message.id and _translated(message.string)):
            continue
        if message.id in ja:  # Catalog.add would keep an existing (possibly empty) string
            ja[message.id].string = message.string
        else:
            ja.add(message.id, message.string, flags=message.flags)
    save(ja, po_path("ja"))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "extract":
        update()
    elif command == "merge":
        merge(Path(sys.argv[2]))
    else:
        sys.exit(check())
