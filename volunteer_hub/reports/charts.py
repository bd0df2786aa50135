"""Bar charts drawn on the server as SVG (the `chart` macro of
`templates/reports/_report_parts.html`), so a report needs no JavaScript and the PDF draws the
very same charts.

Each chart has a title and a description that reads out its largest bars; the same figures
sit in a table beside it, which is where a screen reader or a keyboard user reads them all.
The geometry is worked out here; the template only places it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

WIDTH = 320  # the drawing's width in its own units: full size on a 320 px screen
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_GAP = 10
BAR_SPACE = 240  # the longest bar; the rest of the row holds its figure
LABEL_CHARACTERS = 44
DESCRIBED_BARS = 5

Item = TypeVar("Item")


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    width: float
    label_y: int
    bar_y: int


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    description: str
    bars: list[Bar]
    height: int


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def bar_chart(
    slug: str,
    title: str,
    items: Sequence[Item],
    *,
    label: Callable[[Item], str],
    value: Callable[[Item], float],
    value_text: Callable[[Item], str],
    limit: int | None = None,
    order: str = "largest first",
) -> BarChart:
    """A horizontal bar chart of `items` in their order (the first `limit` of them)."""
    shown = list(items[:limit] if limit else items)
    largest = max((value(item) for item in shown), default=0) or 1
    row = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    bars = [
        Bar(
            label=_short(label(item)),
            value_text=value_text(item),
            width=round(max(value(item), 0) / largest * BAR_SPACE, 1),
            label_y=index * row + LABEL_HEIGHT - 5,
            bar_y=index * row + LABEL_HEIGHT,
        )
        for index, item in enumerate(shown)
    ]
    described = "; ".join(f"{label(item)}: {value_text(item)}" for item in shown[:DESCRIBED_BARS])
    more = " The table gives every figure." if shown else ""
    if len(items) > len(shown):
        more = f" Only the largest {len(shown)} of {len(items)} are drawn; the table gives all."
    description = f"Bar chart, {order}. {described}.{more}" if shown else "No figures."
    return BarChart(slug, title, description, bars, max(len(bars) * row, row))
