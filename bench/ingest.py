"""Benchmark: Stack Exchange ingestion speed and memory on synthetic dumps of two sizes.

Reported as ratios against references measured in the same run, since the machine is shared:
- speed: extract (parse, convert HTML, write Parquet) against a bare expat scan of the same files,
  the least any XML reader must do;
- memory: peak RSS of extracting a dump ~40x larger against the small one. Streaming in chunks
  should keep this near 1 while the row ratio is ~40.
Each measurement runs in a fresh subprocess so peak RSS belongs to that step alone.

Usage: python bench/ingest.py [--out BENCHMARKS.md]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = {"small": (3_000, 180), "large": (60_000, 730)}  # (members, days)

_STEP = r"""
import json, os, sys, time
from pathlib import Path
step, folder = sys.argv[1], Path(sys.argv[2])
start = time.perf_counter()
rows = 0
if step == "scan":
    from xml.parsers import expat
    for path in sorted(folder.glob("*.xml")):
        parser = expat.ParserCreate()
        count = [0]
        def start_element(name, attrs, count=count):
            if name == "row":
                count[0] += 1
        parser.StartElementHandler = start_element
        with open(path, "rb") as f:
            while chunk := f.read(1 << 16):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
        rows += count[0]
else:
    from ingest.batches import extract_source
    from warehouse.settings import Source
    _, manifest = extract_source(Source("stackexchange", folder, "bench", "bench"))
    rows = manifest.landed
seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: ru_maxrss survives exec, so it would report the parent's size at fork time.
status = Path("/proc/self/status").read_text()
peak_mib = int(next(l for l in status.splitlines() if l.startswith("VmHWM:")).split()[1]) / 1024
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mib": peak_mib}))
"""


def _measure(step: str, folder: Path, home: Path) -> dict:
    env = {"TOWNSQUARE_HOME": str(home), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", _STEP, step, str(folder)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="append the results to this markdown file")
    args = parser.parse_args()
    from synthetic.stackexchange import generate_stackexchange_dump

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size, (members, days) in SIZES.items():
            folder = Path(tmp) / size
            generate_stackexchange_dump(folder, members=members, days=days, seed=1)
            mib = sum(p.stat().st_size for p in folder.glob("*.xml")) / 2**20
            scan = _measure("scan", folder, Path(tmp) / "home")
            extract = _measure("extract", folder, Path(tmp) / "home")
            results[size] = {"xml_mib": mib, "scan": scan, "extract": extract}
            print(f"{size}: {extract['rows']:,} rows, {mib:.1f} MiB XML; extract {extract['seconds']:.2f}s "
                  f"({extract['rows'] / extract['seconds']:,.0f} rows/s), bare scan {scan['seconds']:.2f}s; "
                  f"peak RSS extract {extract['peak_mib']:.0f} MiB, scan {scan['peak_mib']:.0f} MiB")
    small, large = results["small"], results["large"]
    row_ratio = large["extract"]["rows"] / small["extract"]["rows"]
    memory_ratio = large["extract"]["peak_mib"] / small["extract"]["peak_mib"]
    speed_ratio = large["extract"]["seconds"] / large["scan"]["seconds"]
    summary = (f"large/small rows {row_ratio:.1f}x; extract peak RSS large/small {memory_ratio:.2f}x; "
               f"extract time / bare expat scan time (large) {speed_ratio:.1f}x")
    print(summary)
    if args.out:
        with args.out.open("a", encoding="utf-8") as f:
            f.write(f"\n### Stack Exchange ingest ({time.strftime('%Y-%m-%d')}, `make bench`)\n\n")
            f.write("| dump | rows | XML MiB | extract s | rows/s | bare scan s | extract / scan | peak RSS MiB |\n")
            f.write("|---|---|---|---|---|---|---|---|\n")
            for size, r in results.items():
                e, s = r["extract"], r["scan"]
                f.write(f"| {size} | {e['rows']:,} | {r['xml_mib']:.1f} | {e['seconds']:.2f} | "
                        f"{e['rows'] / e['seconds']:,.0f} | {s['seconds']:.2f} | {e['seconds'] / s['seconds']:.1f}x | "
                        f"{e['peak_mib']:.0f} |\n")
            f.write(f"\n{summary}.\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
