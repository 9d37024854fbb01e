"""Fill Japanese translations from a Python dict file: python scripts/apply_translations.py F.

F defines JA = {msgid: msgstr}. Used when a batch of new messages is translated at once.
"""

import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import i18n  # noqa: E402

table = runpy.run_path(sys.argv[1])["JA"]
catalog = i18n.load(i18n.po_path("ja"), "ja")
for message in catalog:
    if message.id in table:
        message.string = table[message.id]
i18n.save(catalog, i18n.po_path("ja"))
