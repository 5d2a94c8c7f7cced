"""python -m nlp.emerging [--rebuild]: refresh the emerging-topic tables of $TOWNSQUARE_HOME's warehouse."""
from __future__ import annotations

import argparse
import json

from nlp.emerging.refresh import refresh_emerging_topics
from warehouse.db import writer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlp.emerging", description=__doc__)
    parser.add_argument("--rebuild", action="store_true", help="compute every period again")
    args = parser.parse_args(argv)
    with writer() as con:
        run = refresh_emerging_topics(con, rebuild=args.rebuild)
    print(json.dumps(run.as_dict(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
