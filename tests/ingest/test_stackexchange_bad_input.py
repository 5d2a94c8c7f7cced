"""Bad input: good rows load, bad rows are quarantined with file, line and reason, counts reconcile."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from townsquare.cli import main


def _broken_dump(cardano_dump, folder):
    """A copy of the cardano dump with a missing file, a truncated file and three bad rows."""
    folder.mkdir()
    for name in ("Users.xml", "Badges.xml", "Tags.xml", "PostLinks.xml"):
        shutil.copy(cardano_dump / name, folder / name)
    # Comments.xml is missing. Votes.xml breaks off in the middle of a row.
    votes = (cardano_dump / "Votes.xml").read_bytes()
    (folder / "Votes.xml").write_bytes(votes[:_start_of_row(votes, 5001) + 20])
    posts = (cardano_dump / "Posts.xml").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    posts[2] = posts[2].replace('Id="1"', 'Id="abc"', 1)  # line 3: the first row
    posts[5] = posts[5].replace('CreationDate="2021-04-27T', 'CreationDate="yesterday-', 1)  # line 6
    posts[8] = posts[8].replace('PostTypeId="', 'PostTypeKind="', 1)  # line 9: required attribute gone
    (folder / "Posts.xml").write_text("".join(posts), encoding="utf-8")
    return folder


def test_bad_rows_are_quarantined_and_good_rows_load(townsquare_home, cardano_dump, tmp_path, capsys):
    dump = _broken_dump(cardano_dump, tmp_path / "broken")
    assert main(["ingest", "stackexchange", str(dump), "--community", "cardano"]) == 0
    out = capsys.readouterr().out
    assert "read = loaded + quarantined" in out and "Comments.xml not found" in out

    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    quarantined = con.execute(
        "select source_file, position, reason from quarantine order by source_file, position").fetchall()
    assert [(f, line) for f, line, _ in quarantined] == [("Posts.xml", 3), ("Posts.xml", 6), ("Posts.xml", 9),
                                                         ("Votes.xml", quarantined[-1][1])]
    reasons = [r for _, _, r in quarantined]
    assert "Id 'abc' is not an integer" in reasons[0]
    assert "CreationDate 'yesterday-" in reasons[1] and "is not a date-time" in reasons[1]
    assert "required attribute PostTypeId is missing" in reasons[2]
    assert reasons[3].startswith("unreadable remainder of file: malformed or truncated XML at line")

    runs = {r[0]: r[1:] for r in con.execute(
        "select source_file, status, records_read, records_loaded, records_quarantined from ingest_runs").fetchall()}
    assert runs["Posts.xml"] == ("partial", 2630, 2627, 3)
    assert runs["Comments.xml"][:2] == ("missing", 0)
    status, read, loaded, quarantined_votes = runs["Votes.xml"]
    assert status == "partial" and quarantined_votes == 1 and read == loaded + 1
    assert loaded == 5000  # every vote before the break
    for _, read, loaded, quarantined_n in runs.values():
        assert read == loaded + quarantined_n
    assert con.execute("select count(*) from content where source_entity = 'post'").fetchone()[0] == 2627
    assert con.execute("select count(*) from members").fetchone()[0] == 3988
    con.close()

    # The run log, as published for the dashboard: one row per file, reconciled, with the main reasons.
    assert main(["run"]) == 0
    con = duckdb.connect(str(townsquare_home / "serving" / "current.duckdb"), read_only=True)
    log = {r[0]: r[1:] for r in con.execute(
        "select source_file, kind, channel, status, records_read, records_loaded, records_quarantined, top_reasons "
        "from mart_ingest_runs").fetchall()}
    con.close()
    assert log["Posts.xml"][:6] == ("stackexchange", "forum", "partial", 2630, 2627, 3)
    assert "Id 'abc' is not an integer" in log["Posts.xml"][6]
    assert log["Comments.xml"][2] == "missing" and log["Users.xml"][2:] == ("ok", 3988, 3988, 0, None)


def _start_of_row(data: bytes, n: int) -> int:
    position = -1
    for _ in range(n):
        position = data.index(b"<row ", position + 1)
    return position


def test_nothing_readable_exits_non_zero_and_says_what_to_do(townsquare_home, tmp_path, capsys):
    empty = tmp_path / "not-a-dump"
    empty.mkdir()
    (empty / "Posts.xml").write_text("this is not xml", encoding="utf-8")
    assert main(["ingest", "stackexchange", str(empty)]) == 1
    err = capsys.readouterr().err
    assert "no record could be read" in err and "Posts.xml" in err


def test_missing_folder_is_a_clear_error(townsquare_home, tmp_path, capsys):
    assert main(["ingest", "stackexchange", str(tmp_path / "nowhere")]) == 1
    assert "is not a folder" in capsys.readouterr().err


def test_community_id_is_validated(townsquare_home, cardano_dump, capsys):
    assert main(["ingest", "stackexchange", str(cardano_dump), "--community", "Cardano SE"]) == 2
    assert "must be lowercase" in capsys.readouterr().err


def test_duplicate_ids_are_quarantined_even_out_of_order(townsquare_home, cardano_dump, tmp_path):
    folder = tmp_path / "dupes"
    folder.mkdir()
    lines = (cardano_dump / "Tags.xml").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    extra = ['  <row Id="2" TagName="again" Count="1" />\r\n',  # same Id as line 3, long after it
             '  <row Id="1" TagName="late-but-new" Count="1" />\r\n',  # below the running maximum, not a dupe
             '  <row Id="1" TagName="late-and-dupe" Count="1" />\r\n']
    (folder / "Tags.xml").write_text("".join(lines[:-1] + extra + lines[-1:]), encoding="utf-8")
    assert main(["ingest", "stackexchange", str(folder), "--community", "cardano"]) == 0

    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    n = len(lines) - 3  # header, root open and close
    assert con.execute("select position, reason from quarantine order by position").fetchall() == [
        (n + 3, "duplicate Id 2 (first seen at line 3)"), (n + 5, f"duplicate Id 1 (first seen at line {n + 4})")]
    assert con.execute("select count(*) from groups").fetchone()[0] == 224 + 1
    con.close()


def test_invalid_utf8_and_an_oversized_post_are_quarantined_alone(townsquare_home, cardano_dump, tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    lines = (cardano_dump / "Posts.xml").read_bytes().split(b"\n")
    lines[10] = lines[10].replace(b'Body="', b'Body="\xff\xfe', 1)  # line 11: bytes that are not UTF-8
    lines[20] = lines[20].replace(b'Body="', b'Body="' + b"spam " * (2 * 2**20), 1)  # line 21: a 10 MB post
    (folder / "Posts.xml").write_bytes(b"\n".join(lines))
    assert main(["ingest", "stackexchange", str(folder), "--community", "cardano"]) == 0

    con = duckdb.connect(str(townsquare_home / "warehouse.duckdb"), read_only=True)
    quarantined = con.execute("select position, reason, length(raw) from quarantine order by position").fetchall()
    assert [(p, r.split(" (")[0].split(" of ")[0]) for p, r, _ in quarantined] == [
        (11, "not valid UTF-8"), (21, "row")]
    assert "is over the 4 MiB limit per record" in quarantined[1][1]
    assert quarantined[1][2] <= 64 * 1024  # the quarantine keeps the start of an oversized record
    run = con.execute("select status, records_read, records_loaded, records_quarantined from ingest_runs "
                      "where source_file = 'Posts.xml'").fetchone()
    assert run == ("partial", 2630, 2628, 2)  # every other post, including those after the bad lines
    con.close()
