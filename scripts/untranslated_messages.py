"""List the English catalogue's untranslated, fuzzy or placeholder-broken messages (exit 1 if any).

.venv/bin/python scripts/untranslated_messages.py [path/to/django.po]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from opske.i18n_check import CATALOGUE, problems

if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else CATALOGUE
    found = problems(path)
    print("\n".join(found) if found else f"{path}: every message is translated.")
    sys.exit(1 if found else 0)
