"""Plotly figures for the Overview page, built from the DataFrames in dashboards.queries."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

INK = "#1f2933"
MUTED = "#7b8794"
ACCENT = "#2f6fde"
SECOND = "#f0a030"
ALERT = "#d64545"


def _layout(fig: go.Figure, title: str, **extra) -> go.Figure:
    settings = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15, "color": INK}},
        "margin": {"l": 48, "r": 16, "t": 48, "b": 36}, "height": 320, "plot_bgcolor": "white",
        "paper_bgcolor": "white", "font": {"family": "Inter, DejaVu Sans, sans-serif", "size": 12, "color": INK},
        "legend": {"orientation": "h", "y": -0.18, "x": 0}, "hovermode": "x unified",
    }
    fig.update_layout(**(settings | extra))
    fig.update_xaxes(showgrid=False, linecolor="#d9e2ec")
    fig.update_yaxes(gridcolor="#eef2f6", zeroline=False)
    return fig


def _empty(title: str) -> go.Figure:
    fig = _layout(go.Figure(), title)
    fig.add_annotation(text="No activity in this range", showarrow=False, font={"color": MUTED, "size": 14})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def members_chart(df: pd.DataFrame, unit: str) -> go.Figure:
    title = f"New and active members per {unit}"
    if df.empty:
        return _empty(title)
    fig = go.Figure([
        go.Bar(x=df["period"], y=df["members_joined"], name="New members", marker_color=SECOND),
        go.Scatter(x=df["period"], y=df["active_members"], name=f"Active members (distinct per {unit})",
                   mode="lines", line={"color": ACCENT, "width": 2.5}),
    ])
    return _layout(fig, title, bargap=0.15)


def groups_chart(df: pd.DataFrame) -> go.Figure:
    title = "Popular groups by content"
    if df.empty:
        return _empty(title)
    df = df.iloc[::-1]  # largest at the top
    fig = go.Figure([
        go.Bar(y=df["group_name"], x=df[kind], name=kind.capitalize(), orientation="h", marker_color=color)
        for kind, color in (("questions", ACCENT), ("answers", "#7fa8ef"), ("comments", "#c9d8f5"))
    ])
    return _layout(fig, title, barmode="stack", hovermode="y unified", margin={"l": 120, "r": 16, "t": 48, "b": 36})


def response_chart(df: pd.DataFrame, unit: str) -> go.Figure:
    title = f"Time to first response and unanswered share, by {unit} asked"
    if df.empty:
        return _empty(title)
    fig = go.Figure([
        go.Scatter(x=df["period"], y=df["median_hours"], name="Median hours to first response", mode="lines+markers",
                   line={"color": ACCENT, "width": 2}, marker={"size": 4}),
        go.Bar(x=df["period"], y=df["unanswered_share"] * 100, name="Unanswered (% of questions)", yaxis="y2",
               marker_color=ALERT, opacity=0.35),
    ])
    return _layout(fig, title, yaxis={"title": "hours"},
                   yaxis2={"title": "% unanswered", "overlaying": "y", "side": "right", "range": [0, 100],
                           "dtick": 25, "showgrid": False})
