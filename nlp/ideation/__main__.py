"""python -m nlp.ideation: rebuild the idea themes of $TOWNSQUARE_HOME's warehouse and print the summary."""
from __future__ import annotations

import argparse
import json

from nlp.ideation.refresh import refresh_idea_themes
from warehouse.db import writer


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m nlp.ideation", description=__doc__).parse_args(argv)
    with writer() as con:
        summary = refresh_idea_themes(con)
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
