"""The figures of a document: every chart exported as SVG (and PNG for slides) in one chart-engine session."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .data import MeasureSection
from .render import drop_empty_groups, merge_markers, shared_session, svg_data_uri


def export_charts(
    measures: list[MeasureSection], *, progress, start: int, end: int, png_for: tuple[MeasureSection, ...] = ()
) -> int:
    """Export every measure's figure as SVG (and PNG for slides) in ONE kaleido session, several at a time;
    returns the count."""
    drawable = [m for m in measures if m.chart.points]
    if not drawable:
        return 0
    progress(start, _("Starter diagrammotoren"))
    with shared_session() as session:
        progress(start + 1, _("Tegner %(total)d diagrammer") % {"total": len(drawable)})
        # All at once, over the engine's tabs; markers merged and empty layers dropped so the PDF draws them fast.
        for measure, svg in zip(drawable, session.svgs([m.chart.figure for m in drawable]), strict=True):
            measure.svg_uri = svg_data_uri(drop_empty_groups(merge_markers(svg)))
        wanted = [m for m in drawable if any(m is w for w in png_for)]
        if wanted:
            progress(start + (end - start) * 3 // 4, _("Tegner billeder til dias"))
            pngs = session.export_many([m.chart.figure for m in wanted], fmt="png", scale=2, width=1000, height=470)
            for measure, png in zip(wanted, pngs, strict=True):
                measure.png = png
    return len(drawable)
