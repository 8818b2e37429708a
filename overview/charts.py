"""Bar charts drawn on the server as SVG: no script, nothing from another host, and a
title and a text alternative that a screen reader reads in place of the picture. The
figures themselves are always in a table beside the chart (templates/admin/overview/)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .figures import Table

WIDTH = 420
LABEL_WIDTH = 120
NUMBER_WIDTH = 40
BAR_HEIGHT = 16
ROW_GAP = 10


@dataclass
class Bar:
    series: int
    x: int
    y: int
    width: int
    height: int
    value: int


@dataclass
class Row:
    label: str
    y: int
    bars: list[Bar]


@dataclass
class Chart:
    key: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    series: list[str]
    rows: list[Row]


def bar_chart(table: Table) -> Chart:
    series = table.columns[1:]
    largest = max((max(row[1:]) for row in table.rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - NUMBER_WIDTH
    row_height = BAR_HEIGHT * len(series) + ROW_GAP
    rows = []
    for index, (label, *values) in enumerate(table.rows):
        top = index * row_height
        rows.append(
            Row(
                label=label,
                y=top + (BAR_HEIGHT * len(series)) // 2,
                bars=[
                    Bar(
                        series=n,
                        x=LABEL_WIDTH,
                        y=top + n * BAR_HEIGHT,
                        width=round(room * value / largest),
                        height=BAR_HEIGHT - 2,
                        value=value,
                    )
                    for n, value in enumerate(values)
                ],
            )
        )
    return Chart(
        key=table.key,
        title=table.title,
        description=describe(table),
        width=WIDTH,
        height=max(len(rows) * row_height, row_height),
        label_width=LABEL_WIDTH,
        series=list(series),
        rows=rows,
    )


def describe(table: Table) -> str:
    """The chart in one or two sentences: what it counts, over what, the totals and the
    largest value of each series. The table beside it holds every figure."""
    if not table.rows:
        return _("%(title)s: nothing to show yet.") % {"title": table.title}
    parts = []
    for column, name in enumerate(table.columns[1:], start=1):
        top = max(table.rows, key=lambda row: row[column])
        parts.append(
            _("%(series)s: %(total)s in all, most for %(label)s (%(value)s)")
            % {
                "series": name,
                "total": table.total(column),
                "label": top[0],
                "value": top[column],
            }
        )
    return _("%(title)s, by %(what)s from %(first)s to %(last)s. %(series)s.") % {
        "title": table.title,
        "what": table.columns[0].lower(),
        "first": table.rows[0][0],
        "last": table.rows[-1][0],
        "series": "; ".join(parts),
    }
