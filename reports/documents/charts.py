"""The figures of a document: every chart exported as SVG (and PNG for slides) in one chart-engine session."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .data import MeasureSection
from .render import shared_session, svg_data_uri


def export_charts(
    measures: list[MeasureSection], *, progress, start: int, end: int, png_for: tuple[MeasureSection, ...] = ()
) -> int:
    """Export every measure's figure as SVG (and PNG for slides) in ONE kaleido session; returns the count."""
    drawable = [m for m in measures if m.chart.points]
    if not drawable:
        return 0
    progress(start, _("Starter diagrammotoren"))
    with shared_session() as session:
        for index, measure in enumerate(drawable, start=1):
            progress(
                start + (end - start) * (index - 1) // len(drawable),
                _("Tegner diagram %(n)d af %(total)d") % {"n": index, "total": len(drawable)},
            )
            measure.svg_uri = svg_data_uri(session.svg(measure.chart.figure))
            if any(measure is wanted for wanted in png_for):
                measure.png = session.png(measure.chart.figure, width=1000, height=470)
    return len(drawable)
