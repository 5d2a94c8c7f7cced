"""A model's header declares its key, refresh, reach, ranges and checks; a malformed one is refused
with the file and the fix named."""
from __future__ import annotations

import pytest

from transforms.checks import mart_suites
from transforms.model import ALL_LATER_DAYS, ModelError, load_models, parse_model


def test_a_header_is_read_into_the_model():
    model = parse_model("mart_example", """-- Grain: one row per community per day,
-- every day of the calendar.
-- key: community_id, day
-- refresh: daily
-- reach: 29
-- range: stickiness 0 1
-- range: mau 0 -
-- check: dau <= mau | a member active on a day is active in its month
select 1""")
    assert model.key == ("community_id", "day")
    assert (model.refresh, model.reach) == ("daily", 29)
    assert [(r.column, r.minimum, r.maximum) for r in model.ranges] == [("stickiness", 0, 1), ("mau", 0, None)]
    assert [(c.condition, c.description) for c in model.checks] == [("dau <= mau", "a member active on a day is active in its month")]
    assert model.grain == "one row per community per day, every day of the calendar."
    assert parse_model("mart_totals", "-- reach: all\nselect 1").reach == ALL_LATER_DAYS


@pytest.mark.parametrize("header, fix", [
    ("-- refresh: hourly", "refresh must be one of daily, full"),
    ("-- reach: a month", "reach is a whole number of days, or `all`"),
    ("-- range: share 0", "write a range as `-- range: column minimum maximum`"),
    ("-- materialize: view", "only int_* models may be views"),
])
def test_a_malformed_header_names_the_file_and_the_fix(header, fix):
    with pytest.raises(ModelError, match="transforms/models/mart_bad.sql") as error:
        parse_model("mart_bad", header + "\nselect 1")
    assert fix in str(error.value)


def test_models_run_after_the_models_they_read():
    order = [m.name for m in load_models()]
    for model in load_models():
        for other in model.reads:
            assert order.index(other) < order.index(model.name), f"{model.name} runs before {other}"


def test_every_mart_declares_its_key_and_gets_a_suite():
    marts = [m for m in load_models() if m.is_mart]
    assert all(m.key for m in marts), [m.name for m in marts if not m.key]
    suites = {s.table: s for s in mart_suites()}
    for mart in marts:
        rules = [r.description for r in suites[mart.name].rules]
        assert f"one row per {', '.join(mart.key)}" in rules
        assert len(rules) == len(mart.key) + 1 + len(mart.ranges) + len(mart.checks)
