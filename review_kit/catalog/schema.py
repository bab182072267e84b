"""Write ``docs/focus-map.schema.json`` from the focus map's typed model.

Editors with a YAML language server autocomplete and check the map with it.
The file is rewritten only when its content changes, and ``--check`` fails
when it is stale, so the published schema cannot drift from the loader.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .focus_map import json_schema
from .loading import DEFAULT_DOCS_DIR

SCHEMA_PATH = DEFAULT_DOCS_DIR / "focus-map.schema.json"


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m review_kit.schema", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the schema file is stale")
    args = parser.parse_args(argv)
    wanted = schema_text()
    current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
    if current == wanted:
        return 0
    if args.check:
        print(f"{SCHEMA_PATH.name} is stale: run `make schema`", file=sys.stderr)
        return 1
    Path(SCHEMA_PATH).write_text(wanted, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
