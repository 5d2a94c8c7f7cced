"""social_csv on the real TWCS sample, through a column mapping in townsquare.toml; bad rows; the default mapping.

Expected values are computed here with the csv module, not with Townsquare code.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import duckdb
import pytest

from townsquare import pipeline
from townsquare.cli import main
from warehouse.settings import load_config

P = "acme/social_csv"
MAPPING = """
[sources.columns]
id = "tweet_id"
author = "author_id"
text = "text"
created_at = "created_at"
reply_to = "in_response_to_tweet_id"
extra = ["inbound"]
"""


@pytest.fixture(scope="module")
def sample(shared_dataset) -> Path:
    return shared_dataset("twcs_sample") / "sample.csv"


@pytest.fixture(scope="module")
def rows(sample) -> list[dict]:
    with sample.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _configure(tmp_path: Path, monkeypatch, path: Path, mapping: str = MAPPING, extra: str = "") -> Path:
    config = tmp_path / "townsquare.toml"
    config.write_text(f'[[sources]]\nkind = "social_csv"\ncommunity = "acme"\nname = "Acme brand mentions"\n'
                      f'path = "{path}"\n{extra}{mapping}', encoding="utf-8")
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(config))
    return config


def _db(home: Path):
    return duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)


def test_the_sample_loads_through_the_configured_mapping(townsquare_home, sample, rows, tmp_path, monkeypatch):
    _configure(tmp_path, monkeypatch, sample)
    assert main(["ingest", "configured"]) == 0
    con = _db(townsquare_home)
    assert len(rows) == 93
    assert con.execute("select records_read, records_loaded, records_quarantined from ingest_runs").fetchall() == [
        (93, 93, 0)]

    by_id = {r["tweet_id"]: r for r in rows}
    content = {r[0]: r[1:] for r in con.execute(
        "select source_record_id, kind, parent_id, thread_id, author_member_id, created_at, body_text, channel, raw "
        "from content").fetchall()}
    assert set(content) == set(by_id)
    for tweet_id, row in by_id.items():
        kind, parent, _, author, created, body, channel, raw = content[tweet_id]
        parent_id = row["in_response_to_tweet_id"]
        assert kind == ("reply" if parent_id else "post")
        assert parent == (f"{P}/post/{parent_id}" if parent_id else None)
        assert author == f"{P}/user/{row['author_id']}"
        assert created == dt.datetime.strptime(row["created_at"], "%a %b %d %H:%M:%S %z %Y").replace(tzinfo=None)
        assert body == row["text"] and channel == "social"
        # raw: the mapped columns and the extra ones, not the others
        assert json.loads(raw) == {k: row[k] for k in ("tweet_id", "author_id", "created_at", "text",
                                                       "in_response_to_tweet_id", "inbound")}

    # Reply links between authors, where the post replied to is in the file.
    replies = {(f"{P}/user/{r['author_id']}", f"{P}/user/{by_id[r['in_response_to_tweet_id']]['author_id']}")
               for r in rows if r["in_response_to_tweet_id"] in by_id}
    got = con.execute("select from_member_id, to_member_id, content_id, via_content_id, occurred_at "
                      "from interactions where kind = 'reply'").fetchall()
    assert len(got) == sum(1 for r in rows if r["in_response_to_tweet_id"]) == 68
    assert {(f, t) for f, t, *_ in got if t is not None} == replies
    assert sum(1 for _, t, *_ in got if t is None) == 2  # replies to tweets the sample left out
    for _, _, parent, via, occurred in got:
        row = by_id[via.rsplit("/", 1)[1]]
        assert parent == f"{P}/post/{row['in_response_to_tweet_id']}"
        assert occurred == content[row["tweet_id"]][4]

    # Threads: the top of the reply chain within the file.
    def root(tweet_id):
        while by_id[tweet_id]["in_response_to_tweet_id"] in by_id:
            tweet_id = by_id[tweet_id]["in_response_to_tweet_id"]
        return tweet_id
    for tweet_id in by_id:
        assert content[tweet_id][2] == f"{P}/post/{root(tweet_id)}", tweet_id

    members = con.execute("select source_user_id, is_bot from members").fetchall()
    assert {m for m, _ in members} == {r["author_id"] for r in rows} and not any(b for _, b in members)
    assert con.execute("select name from sources").fetchone()[0] == "Acme brand mentions"
    con.close()


def test_ingesting_again_changes_nothing_and_a_new_mapping_rereads(townsquare_home, sample, tmp_path, monkeypatch):
    config = _configure(tmp_path, monkeypatch, sample)
    assert main(["ingest", "configured"]) == 0
    tables = ("members", "content", "interactions")

    def snapshot():
        con = _db(townsquare_home)
        try:
            return {t: con.execute(f"select * from {t} order by 1").fetchall() for t in tables}
        finally:
            con.close()

    first = snapshot()
    source = load_config(config).sources[0]
    batch, manifest = pipeline.extract(source)
    assert [(f.status, f.read) for f in manifest.files] == [("unchanged", 0)]
    pipeline.load([batch])
    assert snapshot() == first

    # A changed mapping reads the file again; only what the mapping adds changes.
    _configure(tmp_path, monkeypatch, sample,
               MAPPING.replace('extra = ["inbound"]', 'extra = ["inbound", "response_tweet_id"]'))
    source = load_config(config).sources[0]
    batch, manifest = pipeline.extract(source)
    assert manifest.landed == 93
    pipeline.load([batch])
    again = snapshot()
    assert again["members"] == first["members"] and again["interactions"] == first["interactions"]
    con = _db(townsquare_home)
    assert con.execute("select count(*) from content where raw->>'response_tweet_id' is not null").fetchone()[0] == 93
    assert con.execute("select count(*) from content_history").fetchone()[0] == 0  # no text changed
    con.close()


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header] + rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_bad_rows_are_quarantined_with_their_line_and_reason(townsquare_home, rows, tmp_path, monkeypatch):
    header = list(rows[0])
    good = [list(r.values()) for r in rows if "\n" not in r["text"]][:12]
    bad = [list(r) for r in good[:6]]
    bad[0][0] = ""                                     # no id
    bad[1][3] = "the day before yesterday"              # created_at
    bad[2] = bad[2] + ["one field too many"]            # ragged
    bad[5][4] = bad[5][4] + " MARKER"                   # made invalid UTF-8 below
    path = tmp_path / "export.csv"
    # lines: 1 header, 2-7 the rows above (5 and 6 are good), 8-13 six more good rows
    _write(path, header, bad + good[6:])
    data = path.read_bytes().replace(b" MARKER", b" \xff\xfe", 1)
    path.write_bytes(data)

    _configure(tmp_path, monkeypatch, path)
    assert main(["ingest", "configured"]) == 0
    con = _db(townsquare_home)
    assert con.execute("select status, records_read, records_loaded, records_quarantined from ingest_runs"
                       ).fetchall() == [("partial", 12, 8, 4)]
    reasons = dict(con.execute("select position, reason from quarantine").fetchall())
    assert set(reasons) == {2, 3, 4, 7}
    assert reasons[2] == "required column tweet_id (id) is empty"
    assert reasons[3].startswith("created_at 'the day before yesterday' is not a date-time")
    assert reasons[4].startswith("row has 8 fields, the header has 7")
    assert reasons[7].startswith("not valid text in the file's encoding (byte 0xff in column 5)")
    loaded = dict(con.execute("select source_record_id, body_text from content").fetchall())
    assert loaded == {row[0]: row[4] for row in bad[3:5] + good[6:]}
    con.close()


def test_a_duplicate_id_with_other_text_quarantines_the_later_row(townsquare_home, rows, tmp_path, monkeypatch):
    header = list(rows[0])
    first, second, third = (list(r.values()) for r in rows[:3])
    clash = list(second)
    clash[4] = "a different text for the same id"
    same = list(third)
    path = tmp_path / "export.csv"
    _write(path, header, [first, second, third, clash, same])  # lines 2-6
    _configure(tmp_path, monkeypatch, path)
    assert main(["ingest", "configured"]) == 0
    con = _db(townsquare_home)
    assert con.execute("select records_read, records_loaded, records_quarantined from ingest_runs").fetchall() == [
        (5, 4, 1)]
    position, reason = con.execute("select position, reason from quarantine").fetchone()
    assert position == 5
    assert reason == f"duplicate id {second[0]} with different content (first seen at export.csv line 3)"
    text = con.execute("select body_text from content where source_record_id = ?", [second[0]]).fetchone()[0]
    assert text == second[4]
    assert con.execute("select count(*) from content").fetchone()[0] == 3  # the identical repeat loads once
    con.close()


def test_without_a_mapping_common_header_names_are_used(townsquare_home, sample, rows, capsys):
    assert main(["ingest", "social_csv", str(sample), "--community", "acme"]) == 0
    con = _db(townsquare_home)
    assert con.execute("select count(*), count(parent_id) from content").fetchone() == (93, 68)
    raw = json.loads(con.execute("select raw from content where source_record_id = ?",
                                 [rows[0]["tweet_id"]]).fetchone()[0])
    assert raw == rows[0]  # unmapped columns (inbound, response_tweet_id) are kept too
    con.close()


def test_missing_columns_are_a_clear_error(townsquare_home, tmp_path, capsys):
    path = tmp_path / "export.csv"
    _write(path, ["when", "who", "what"], [["2021-04-08T12:00:00Z", "ann", "hello"]])
    assert main(["ingest", "social_csv", str(path), "--community", "acme"]) == 1
    captured = capsys.readouterr()
    assert "no record could be read" in captured.err
    assert "the header has no column id (a column named id or post_id" in captured.out
    assert "author (a column named author or author_id" in captured.out
    assert "Its columns are: when, who, what" in captured.out


def test_a_mapping_naming_absent_columns_or_missing_keys_is_a_clear_error(townsquare_home, sample, tmp_path,
                                                                         monkeypatch, capsys):
    _configure(tmp_path, monkeypatch, sample, MAPPING.replace('created_at = "created_at"', 'created_at = "date"'))
    assert main(["ingest", "configured"]) == 1
    assert "the header has no column date (for created_at)" in capsys.readouterr().out

    _configure(tmp_path, monkeypatch, sample, MAPPING.replace('author = "author_id"\n', ""))
    assert main(["ingest", "configured"]) == 1
    assert "the columns table does not map author" in capsys.readouterr().err

    _configure(tmp_path, monkeypatch, sample, MAPPING + 'repy_to = "x"\n')
    assert main(["ingest", "configured"]) == 1
    assert "unknown key(s) repy_to" in capsys.readouterr().err


def test_time_format_delimiter_and_encoding(townsquare_home, tmp_path, monkeypatch):
    path = tmp_path / "listening.csv"
    path.write_bytes("Post;Auteur;Nom;Message;Date;Réponse à;J'aime;Langue\n"
                     "1;u1;Zoé;Très bien;31/10/2017 22:10;;5;fr\n"
                     "2;u2;Marc;\"Merci; vraiment\";01/11/2017 08:00;1;;fr\n"
                     "3;u2;Marc;\"Q&amp;A &gt; FAQ\";01/11/2017 09:00;;;fr\n".encode("latin-1"))
    mapping = """
[sources.columns]
id = "Post"
author = "Auteur"
author_name = "Nom"
text = "Message"
created_at = "Date"
reply_to = "Réponse à"
likes = "J'aime"
lang = "Langue"
time_format = "%d/%m/%Y %H:%M"
unescape_html = true
"""
    _configure(tmp_path, monkeypatch, path, mapping, extra='delimiter = ";"\nencoding = "latin-1"\n')
    assert main(["ingest", "configured"]) == 0
    con = _db(townsquare_home)
    assert con.execute("select source_record_id, kind, body_text, created_at, score, lang, metrics::varchar "
                       "from content order by 1").fetchall() == [
        ("1", "post", "Très bien", dt.datetime(2017, 10, 31, 22, 10), 5, "fr", '{"likes":5,"shares":null}'),
        ("2", "reply", "Merci; vraiment", dt.datetime(2017, 11, 1, 8, 0), None, "fr", None),
        ("3", "post", "Q&A > FAQ", dt.datetime(2017, 11, 1, 9, 0), None, "fr", None),
    ]
    assert con.execute("select display_name from members order by member_id").fetchall() == [("Zoé",), ("Marc",)]
    assert con.execute("select count(*) from content where body_text like '%&amp;%'").fetchone()[0] == 0
    assert con.execute("select from_member_id, to_member_id from interactions").fetchall() == [
        (f"{P}/user/u2", f"{P}/user/u1")]
    con.close()


def test_threads_across_ingests_and_reply_cycles(townsquare_home, tmp_path, monkeypatch):
    header = ["id", "author", "text", "created_at", "reply_to"]
    folder = tmp_path / "exports"
    folder.mkdir()
    _write(folder / "1.csv", header, [["r", "ann", "root", "2021-04-08T12:00:00Z", ""],
                                      ["a", "bob", "reply", "2021-04-08T12:01:00Z", "r"]])
    _configure(tmp_path, monkeypatch, folder, mapping="")  # no columns table: found by their names
    assert main(["ingest", "configured"]) == 0
    # A later export: a reply to a post loaded earlier, two posts replying to each other, a deep chain.
    deep = [[f"d{i}", "dee", "deep", "2021-04-08T13:00:00Z", f"d{i - 1}" if i else "a"] for i in range(3000)]
    _write(folder / "2.csv", header, [["b", "cat", "late reply", "2021-04-09T12:00:00Z", "a"],
                                      ["x", "eve", "loop", "2021-04-09T12:00:00Z", "y"],
                                      ["y", "fay", "loop", "2021-04-09T12:00:00Z", "x"]] + deep)
    assert main(["ingest", "configured"]) == 0  # 1.csv is unchanged, 2.csv is new
    con = _db(townsquare_home)
    threads = dict(con.execute("select source_record_id, thread_id from content").fetchall())
    assert threads["a"] == threads["b"] == threads["d2999"] == f"{P}/post/r"
    assert (threads["x"], threads["y"]) == (f"{P}/post/x", f"{P}/post/y")
    assert con.execute("select to_member_id from interactions where interaction_id = ?",
                       [f"{P}/reply/b"]).fetchone() == (f"{P}/user/bob",)
    con.close()
