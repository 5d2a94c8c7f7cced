"""X bad input, built from real lines: each bad record is quarantined with its line and a reason, the rest loads."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from townsquare import pipeline
from townsquare.cli import main
from warehouse.settings import Source

P = "tw/x"


@pytest.fixture(scope="module")
def real(shared_dataset) -> dict:
    folder = shared_dataset("twitter_v2_threads_twarc")
    return {
        "flat": (folder / "flat.jsonl").read_bytes().splitlines(),
        "pages": (folder / "2sets.jsonl").read_bytes().splitlines(),
    }


def _edit(line: bytes, change) -> bytes:
    obj = json.loads(line)
    change(obj)
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def _flat_file(flat: list[bytes], path: Path) -> dict[int, str]:
    """A flattened file with good lines around bad ones; returns line number → expected reason."""
    padded = _edit(flat[8], lambda t: t.update(text="x" * (10 * 2**20)))
    lines = [
        flat[0],                                                                      # 1 good
        flat[1][: len(flat[1]) // 2],                                                 # 2 cut in the middle
        _edit(flat[2], lambda t: t.update(author_id=["1380242586288328707", "2"])),  # 3 wrong type
        _edit(flat[3], lambda t: t.update(created_at="yesterday")),                   # 4 not a date
        _edit(flat[4], lambda t: t.pop("id")),                                        # 5 no id
        flat[5].replace(b'"text": "', b'"text": "\xff\xfe', 1),                       # 6 not UTF-8
        flat[6],                                                                      # 7 good
        _edit(flat[6], lambda t: t.update(text="something else entirely")),          # 8 same id, other text
        padded,                                                                       # 9 10 MB
        flat[9],                                                                      # 10 good
    ]
    path.write_bytes(b"\n".join(lines) + b"\n" + flat[10][:300])                    # 11 file ends mid-line
    tweet = json.loads(flat[6])["id"]
    return {
        2: "not valid JSON",
        3: 'author_id ["1380242586288328707", "2"] is not an X id',
        4: "created_at 'yesterday' is not a date-time",
        5: "required field id is missing",
        6: "not valid UTF-8",
        8: f"duplicate id {tweet} with different content (first seen at {path.name} line 7)",
        9: "record of 10.0 MiB is over the 4 MiB limit per record",
        11: "truncated: the file ends in the middle of this line",
    }


def _page_file(pages: list[bytes], path: Path) -> dict[str, str]:
    """Two real response pages; the first with three bad tweets and one bad user profile."""
    def spoil(page):
        page["data"][3]["created_at"] = "not a date"
        page["data"][7]["author_id"] = ["1", "2"]
        del page["data"][11]["id"]
        page["includes"]["users"][0]["public_metrics"]["followers_count"] = "many"
    path.write_bytes(_edit(pages[0], spoil) + b"\n" + pages[1] + b"\n")
    return {
        "#/data/3": "created_at 'not a date' is not a date-time",
        "#/data/7": 'author_id ["1", "2"] is not an X id',
        "#/data/11": "required field id is missing",
        "#/includes/users/0": "public_metrics.followers_count 'many' is not an integer",
    }


def test_bad_records_are_quarantined_and_the_rest_loads(townsquare_home, real, tmp_path, capsys):
    folder = tmp_path / "collected"
    folder.mkdir()
    flat_reasons = _flat_file(real["flat"], folder / "flat_bad.jsonl")
    page_reasons = _page_file(real["pages"], folder / "pages_bad.jsonl")
    assert main(["ingest", "x", str(folder), "--community", "tw"]) == 0
    assert "read = loaded + quarantined" in capsys.readouterr().out

    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    runs = {r[0]: r[1:] for r in con.execute(
        "select source_file, status, records_read, records_loaded, records_quarantined, message "
        "from ingest_runs").fetchall()}
    assert runs["flat_bad.jsonl"][:4] == ("partial", 11, 3, 8)
    assert runs["pages_bad.jsonl"][:4] == ("partial", 200, 197, 3)  # one bad tweet costs that tweet only
    assert "1 referenced tweets or user profiles quarantined" in runs["pages_bad.jsonl"][4]
    for _, read, loaded, quarantined, _ in runs.values():
        assert read == loaded + quarantined

    quarantine = {(f, pos): (reason, raw) for f, pos, reason, raw in con.execute(
        "select source_file, position, reason, raw from quarantine").fetchall()}
    expected = {("flat_bad.jsonl", line): reason for line, reason in flat_reasons.items()}
    expected.update({("pages_bad.jsonl" + pointer, 1): reason for pointer, reason in page_reasons.items()})
    assert set(quarantine) == set(expected)
    for key, reason in expected.items():
        assert reason in quarantine[key][0], (key, quarantine[key][0])
    # The raw record is kept: whole for a normal record, the first 64 KiB of an oversized one.
    assert json.loads(quarantine[("flat_bad.jsonl", 3)][1])["author_id"] == ["1380242586288328707", "2"]
    assert json.loads(quarantine[("pages_bad.jsonl#/data/3", 1)][1])["created_at"] == "not a date"
    assert len(quarantine[("flat_bad.jsonl", 9)][1].encode()) <= 64 * 2**10

    loaded = dict(con.execute("select source_record_id, body_text from content").fetchall())
    flat = [json.loads(line) for line in real["flat"][:11]]
    for good in (flat[0], flat[6], flat[9]):
        assert loaded[good["id"]] == good["text"].replace("&amp;", "&")
    for bad in (flat[2], flat[3], flat[8]):
        assert bad["id"] not in loaded
    page = json.loads(real["pages"][0])
    assert page["data"][3]["id"] not in loaded and page["data"][4]["id"] in loaded
    assert sum(1 for t in page["data"] if t["id"] in loaded) == 97
    # The user whose profile was quarantined is still a member (an author or mention), without the profile.
    user = page["includes"]["users"][0]
    member = con.execute("select followers_count, joined_at from members where member_id = ?",
                         [f"{P}/user/{user['id']}"]).fetchone()
    assert member == (None, None)
    con.close()


def test_a_cut_off_last_line_is_read_again_once_complete(townsquare_home, real, tmp_path):
    path = tmp_path / "growing.jsonl"
    path.write_bytes(real["flat"][0] + b"\n" + real["flat"][1][:200])
    source = Source("x", path, "tw", "tw")
    batch, manifest = pipeline.extract(source)
    pipeline.load([batch])
    assert (manifest.files[0].landed, manifest.files[0].quarantined) == (1, 1)
    path.write_bytes(real["flat"][0] + b"\n" + real["flat"][1] + b"\n")
    batch, manifest = pipeline.extract(source)
    pipeline.load([batch])
    assert (manifest.files[0].read, manifest.files[0].landed) == (1, 1)
    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    assert con.execute("select count(*) from content where source_record_id = ?",
                       [json.loads(real["flat"][1])["id"]]).fetchone()[0] == 1
    con.close()


def test_lines_of_neither_layout_and_oversized_pages(townsquare_home, real, tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b'{"foo": 1}\n[1, 2]\n' + real["pages"][0] + b"\n" + real["flat"][0] + b"\n")
    source = Source("x", path, "tw", "tw",  # the page is ~380 KB
                    options={"max_page_bytes": 200_000, "max_record_bytes": 100_000})
    batch, manifest = pipeline.extract(source)
    pipeline.load([batch])
    f = manifest.files[0]
    assert (f.read, f.landed, f.quarantined) == (4, 1, 3)
    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    reasons = dict(con.execute("select position, reason from quarantine").fetchall())
    con.close()
    assert reasons[1].startswith("neither an X API response page")
    assert reasons[2].startswith("a line should be a JSON object")
    assert reasons[3].startswith("line of 392 KiB is over the 195 KiB limit per line")
    assert "raise max_page_bytes" in reasons[3]


def test_nothing_loadable_exits_non_zero_with_the_reasons_kept(townsquare_home, tmp_path, capsys):
    path = tmp_path / "garbage.jsonl"
    path.write_bytes(b"not json\n{\"text\": \"no id\"}\n")
    assert main(["ingest", "x", str(path)]) == 1
    assert "no record could be read" in capsys.readouterr().err
    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    assert con.execute("select position from quarantine order by 1").fetchall() == [(1,), (2,)]
    assert con.execute("select status from ingest_runs").fetchall() == [("unreadable",)]
    con.close()


def test_a_bad_option_is_a_clear_error(townsquare_home, real, tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_bytes(real["flat"][0] + b"\n")
    from ingest.framework import NothingReadable
    with pytest.raises(NothingReadable, match="max_record_bytes = 'big' should be a number of bytes"):
        pipeline.extract(Source("x", path, "tw", "tw", options={"max_record_bytes": "big"}))
