"""Overview: how the community is doing in a chosen period, for one community or all of them.

Component ids start with `overview-` so later pages never collide with them; the browser test and
anyone scripting the page rely on these ids.
"""
from __future__ import annotations

import datetime as dt

import dash
from dash import Input, Output, State, ctx, dcc, html

from dashboards import figures, queries
from dashboards.snapshot import snapshot_path
from warehouse.serving import SnapshotMissing

ALL = "__all__"
PRESETS = [("30", "Last 30 days"), ("90", "Last 90 days"), ("365", "Last 12 months"), ("all", "All time"),
           ("custom", "Custom")]
DEFAULT_PRESET = "90"

KPI_CARDS = [  # id suffix, label, what the number means (shown as a tooltip)
    ("new-members", "New members", "Accounts created in the period (bots excluded)"),
    ("active-members", "Active members", "Distinct members who asked, answered or commented in the period"),
    ("questions", "Questions", "Questions asked in the period"),
    ("answers", "Answers", "Answers posted in the period"),
    ("unanswered", "Unanswered", "Share of the period's questions with no answer from someone other than the asker"),
    ("first-response", "Median first response",
     "Median time from question to the first answer or comment by someone else, over questions that got one"),
]


def layout(**_query_args):
    path = snapshot_path()
    try:
        communities = queries.communities(path)
        bounds = queries.data_range(path)
        published = queries.published_at(path)
    except SnapshotMissing as missing:
        return html.Div(className="empty-state", id="overview-empty", children=[
            html.H2("No data published yet"),
            html.P(str(missing)),
        ])
    if bounds is None:
        return html.Div(className="empty-state", id="overview-empty", children=[
            html.H2("The snapshot has no activity yet"),
            html.P("Ingest a source with `townsquare ingest stackexchange PATH`, then `townsquare run`."),
        ])
    first, last = bounds
    start, end = _preset_range(DEFAULT_PRESET, first, last)
    options = [{"label": f"All communities ({len(communities)})", "value": ALL}] + [
        {"label": f"{row.name}", "value": row.community_id} for row in communities.itertuples()]
    return html.Div(className="page", children=[
        html.Div(className="page-head", children=[
            html.H1("Overview"),
            html.P(id="overview-freshness", className="freshness", children=(
                f"Data published {published:%Y-%m-%d %H:%M} UTC · activity from {first:%d %b %Y} "
                f"to {last:%d %b %Y}")),
        ]),
        html.Div(className="filters", children=[
            html.Div([html.Span("Community", className="filter-label"), dcc.Dropdown(id="overview-community", options=options, value=ALL,
                                                  clearable=False, searchable=True)], className="filter community"),
            html.Div([html.Span("Period", className="filter-label"), dcc.RadioItems(id="overview-preset", options=[
                {"label": label, "value": value} for value, label in PRESETS], value=DEFAULT_PRESET,
                inline=True, className="presets")], className="filter"),
            html.Div([html.Span("From – to", className="filter-label"), dcc.DatePickerRange(
                id="overview-dates", start_date=start, end_date=end, min_date_allowed=first,
                max_date_allowed=last, display_format="D MMM YYYY", first_day_of_week=1,
                minimum_nights=0)], className="filter"),
        ]),
        html.P(className="note", children=(
            "Presets end on the last day with data, not today, so a snapshot of an older dump still shows "
            "its latest activity.")),
        html.Div(className="kpis", children=[
            html.Div(className="kpi", id=f"overview-kpi-{key}", title=help_text, children=[
                html.Span(label, className="kpi-label"),
                html.Span("–", className="kpi-value", id=f"overview-kpi-{key}-value"),
                html.Span("", className="kpi-delta", id=f"overview-kpi-{key}-delta"),
            ]) for key, label, help_text in KPI_CARDS
        ]),
        dcc.Loading(type="dot", children=[
            html.Div(className="panel wide", children=[dcc.Graph(id="overview-members-chart",
                                                                 config={"displaylogo": False})]),
            html.Div(className="row", children=[
                html.Div(className="panel", children=[dcc.Graph(id="overview-groups-chart",
                                                                config={"displaylogo": False})]),
                html.Div(className="panel", children=[dcc.Graph(id="overview-response-chart",
                                                                config={"displaylogo": False})]),
            ]),
            html.Div(className="row", children=[
                html.Div(className="panel", children=[html.H3("Top contributors"),
                                                      html.Div(id="overview-contributors")]),
                html.Div(className="panel", children=[html.H3("Latest unanswered questions"),
                                                      html.Div(id="overview-unanswered")]),
            ]),
            html.Div(className="row", children=[
                html.Div(className="panel", children=[html.H3("Open escalations"),
                                                      html.Div(id="overview-escalations")]),
            ]),
        ]),
    ])


dash.register_page(__name__, path="/", name="Overview", title="Townsquare · Overview", order=0, layout=layout)


def _preset_range(preset: str, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    if preset == "all":
        return first, last
    return max(first, last - dt.timedelta(days=int(preset) - 1)), last


def _date(value) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


def _community(value: str | None) -> str | None:
    return None if value in (None, ALL) else value


PERIOD_IO = (
    Output("overview-preset", "value"),
    Output("overview-dates", "start_date"),
    Output("overview-dates", "end_date"),
    Output("overview-dates", "min_date_allowed"),
    Output("overview-dates", "max_date_allowed"),
    Input("overview-preset", "value"),
    Input("overview-community", "value"),
    Input("overview-dates", "start_date"),
    Input("overview-dates", "end_date"),
)


def choose_period(preset, community, start, end):
    """Presets set the dates; picking dates by hand switches the preset to Custom."""
    bounds = queries.data_range(snapshot_path(), _community(community))
    if bounds is None:
        return dash.no_update, dash.no_update, dash.no_update, dash.no_update, dash.no_update
    first, last = bounds
    if ctx.triggered_id == "overview-dates":
        return "custom", dash.no_update, dash.no_update, first, last
    if preset == "custom":
        return dash.no_update, dash.no_update, dash.no_update, first, last
    start, end = _preset_range(preset, first, last)
    return dash.no_update, start, end, first, last


def _count(value: int) -> str:
    return f"{value:,}"


def _hours(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 1:
        return f"{value * 60:.0f} min"
    if value < 48:
        return f"{value:.1f} h"
    return f"{value / 24:.1f} days"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _delta(now, before, *, higher_is_better: bool, share: bool = False) -> html.Span | str:
    """Change against the previous period of the same length."""
    if now is None or before is None:
        return "no earlier data" if before is None else ""
    if share:
        change = (now - before) * 100
        text = f"{change:+.0f} pts"
    else:
        if before == 0:
            return "new" if now else "no change"
        change = (now - before) / before * 100
        text = f"{change:+.0f}%"
    if abs(change) < 0.5:
        return html.Span("no change vs previous period", className="delta flat")
    good = (change > 0) == higher_is_better
    arrow = "▲" if change > 0 else "▼"
    return html.Span(f"{arrow} {text} vs previous period", className=f"delta {'good' if good else 'bad'}")


def _table(header: list[str], rows: list[list], empty: str, table_id: str) -> html.Table | html.P:
    if not rows:
        return html.P(empty, className="muted")
    return html.Table(id=table_id, className="data-table", children=[
        html.Thead(html.Tr([html.Th(h) for h in header])),
        html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
    ])


UPDATE_IO = (
    *[Output(f"overview-kpi-{key}-value", "children") for key, _, _ in KPI_CARDS],
    *[Output(f"overview-kpi-{key}-delta", "children") for key, _, _ in KPI_CARDS],
    Output("overview-members-chart", "figure"),
    Output("overview-groups-chart", "figure"),
    Output("overview-response-chart", "figure"),
    Output("overview-contributors", "children"),
    Output("overview-unanswered", "children"),
    Output("overview-escalations", "children"),
    Input("overview-dates", "start_date"),
    Input("overview-dates", "end_date"),
    Input("overview-community", "value"),
    State("overview-community", "options"),
)


def update(start, end, community_value, community_options):
    path = snapshot_path()
    community = _community(community_value)
    start, end = _date(start), _date(end)
    if end < start:
        start, end = end, start
    length = end - start + dt.timedelta(days=1)
    now = queries.kpis(path, community, start, end)
    before = queries.kpis(path, community, start - length, start - dt.timedelta(days=1))
    had_data = queries.data_range(path, community)
    if had_data is None or had_data[0] > start - dt.timedelta(days=1):
        before = None  # the previous period lies before the community's first day: nothing to compare

    def prev(attr):
        return None if before is None else getattr(before, attr)

    values = [_count(now.new_members), _count(now.active_members), _count(now.questions), _count(now.answers),
              _share(now.unanswered_share), _hours(now.median_hours_to_first_response)]
    deltas = [
        _delta(now.new_members, prev("new_members"), higher_is_better=True),
        _delta(now.active_members, prev("active_members"), higher_is_better=True),
        _delta(now.questions, prev("questions"), higher_is_better=True),
        _delta(now.answers, prev("answers"), higher_is_better=True),
        _delta(now.unanswered_share, prev("unanswered_share"), higher_is_better=False, share=True),
        _delta(now.median_hours_to_first_response, prev("median_hours_to_first_response"), higher_is_better=False),
    ]

    names = {o["value"]: o["label"] for o in community_options or []}
    show_community = community is None and len(names) > 2
    contributors = queries.top_contributors(path, community, start, end)
    contributor_rows = [
        [r.display_name] + ([names.get(r.community_id, r.community_id)] if show_community else [])
        + [_count(r.posts), _count(r.answers), _count(r.accepted_answers), _count(r.score_received),
           _count(r.comments)]
        for r in contributors.itertuples()]
    unanswered = queries.unanswered_questions(path, community, start, end)
    unanswered_rows = [
        [f"{r.asked_at:%Y-%m-%d}", r.title or "(untitled)", ", ".join(r.group_names if r.group_names is not None else [])]
        + ([names.get(r.community_id, r.community_id)] if show_community else [])
        + ["comment only" if r.has_comment_reply else "no reply"]
        for r in unanswered.itertuples()]
    return (
        *values, *deltas,
        figures.members_chart(queries.members_over_time(path, community, start, end),
                              queries.granularity("members", start, end)),
        figures.groups_chart(queries.popular_groups(path, community, start, end)),
        figures.response_chart(queries.response_over_time(path, community, start, end),
                               queries.granularity("response", start, end)),
        _table(["Member"] + (["Community"] if show_community else [])
               + ["Posts", "Answers", "Accepted answers", "Score received", "Comments"],
               contributor_rows, "No contributions in this period.", "overview-contributors-table"),
        _table(["Asked", "Question", "Groups"] + (["Community"] if show_community else []) + ["Replies"],
               unanswered_rows, "Every question in this period has an answer.", "overview-unanswered-table"),
        _escalations(path, community, names, show_community),
    )


def _escalations(path, community, names: dict, show_community: bool):
    """Open escalations as of the last refresh: how many, how long they wait, the longest-waiting ten."""
    summary, oldest = queries.open_escalations(path, community)
    if not summary["open"]:
        return html.P("No question or ticket is waiting past its allowed time.", className="muted")
    rows = [[f"{r.escalated_at:%Y-%m-%d %H:%M}", r.title or r.kind,
             ", ".join(r.group_names if r.group_names is not None else [])]
            + ([names.get(r.community_id, r.community_id)] if show_community else [])
            + [_hours(r.hours_waited)]
            for r in oldest.itertuples()]
    return html.Div([
        html.P(f"{_count(summary['open'])} open, waiting {_hours(summary['median_hours'])} (median), "
               f"the longest {_hours(summary['oldest_hours'])}.", id="overview-escalations-summary"),
        _table(["Escalated", "Question or ticket", "Groups"] + (["Community"] if show_community else [])
               + ["Waiting"], rows, "", "overview-escalations-table"),
    ])


def register_callbacks(app: dash.Dash) -> None:
    # Per app, not dash.callback: global callbacks go to the first app that starts serving only, and
    # tests (and anyone embedding the dashboard) create more than one.
    app.callback(*PERIOD_IO)(choose_period)
    app.callback(*UPDATE_IO)(update)
