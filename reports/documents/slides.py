"""PowerPoint slides for the inspiration meeting (python-pptx): one overview slide, then one slide per department
with its chart (the same plotly figure as on the dashboards, exported as PNG in the report's kaleido session)."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

BRAND = RGBColor(0x00, 0x5A, 0x8C)
INK = RGBColor(0x1D, 0x24, 0x33)
MUTED = RGBColor(0x5B, 0x65, 0x77)
STATE_COLOURS = {
    "met": RGBColor(0x1B, 0x7A, 0x3D),
    "not_yet": RGBColor(0x8A, 0x5A, 0x00),
    "overdue": RGBColor(0xA4, 0x26, 0x2C),
}
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
#: The default template's "Title Only" layout: each slide's title sits in the layout's title placeholder, so it is
#: the slide's title for screen readers, the outline view and PowerPoint's accessibility checker.
TITLE_ONLY = 5


def _text(slide, left, top, width, height, text, *, size=14, bold=False, colour=INK):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    paragraphs = text if isinstance(text, list) else [text]
    for index, line in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour
    return box


def _slide(prs):
    return prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])


def _header(slide, title: str, subtitle: str, footer: str) -> None:
    placeholder = slide.shapes.title
    placeholder.left, placeholder.top, placeholder.width, placeholder.height = (
        Inches(0.5),
        Inches(0.3),
        Inches(12.3),
        Inches(0.8),
    )
    frame = placeholder.text_frame
    frame.word_wrap = True
    frame.text = title
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(28)
            run.font.bold = True
            run.font.color.rgb = BRAND
    _text(slide, Inches(0.5), Inches(1.0), Inches(12.3), Inches(0.5), subtitle, size=16, colour=MUTED)
    _text(slide, Inches(0.5), Inches(7.0), Inches(12.3), Inches(0.4), footer, size=10, colour=MUTED)


def _cell(cell, text: str, *, size: int, bold=False, colour=INK) -> None:
    cell.text = ""
    run = cell.text_frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour
    cell.margin_top = cell.margin_bottom = Emu(20000)


def _overview(prs, ctx) -> None:
    slide = _slide(prs)
    totals = ctx["totals"]
    title = ctx["meeting"].title if ctx["meeting"] and ctx["meeting"].title else ctx["kind_title"]
    footer = f"{ctx['quarter'].label} · {_('Data til og med')} {ctx['data_until_label']} · {ctx['built_label']}"
    _header(
        slide,
        title,
        _(
            "%(met1)d af %(n)d afdelinger opfylder Mål 1, %(met2)d opfylder Mål 2, %(cross)d deltager i den tværgående anbefaling"
        )
        % {
            "met1": totals.selections_met,
            "met2": totals.team_met,
            "cross": totals.in_cross_hospital,
            "n": totals.departments,
        },
        footer,
    )
    rows = ctx["rows"]
    table_height = Inches(5.3)
    size = 12 if len(rows) <= 14 else 9
    shape = slide.shapes.add_table(len(rows) + 1, 4, Inches(0.5), Inches(1.6), Inches(12.3), table_height)
    table = shape.table
    for column, width in enumerate((Inches(4.3), Inches(3.2), Inches(3.2), Inches(1.6))):
        table.columns[column].width = width
    for column, heading in enumerate((_("Afdeling"), _("Mål 1"), _("Mål 2"), _("Tværgående"))):
        _cell(table.cell(0, column), heading, size=size, bold=True, colour=RGBColor(0xFF, 0xFF, 0xFF))
    for index, row in enumerate(rows, start=1):
        _cell(table.cell(index, 0), row.department.name, size=size)
        _cell(
            table.cell(index, 1), row.selections.label, size=size, bold=True, colour=STATE_COLOURS[row.selections.state]
        )
        _cell(table.cell(index, 2), row.team.label, size=size, bold=True, colour=STATE_COLOURS[row.team.state])
        _cell(table.cell(index, 3), _("Ja") if row.in_cross_hospital else _("Nej"), size=size)


def _department(prs, ctx, entry) -> None:
    slide = _slide(prs)
    row, section = entry["row"], entry["section"]
    initiative = section.initiative
    footer = f"{ctx['quarter'].label} · {_('Data til og med')} {ctx['data_until_label']} · {ctx['built_label']}"
    _header(
        slide,
        row.department.name,
        f"{initiative.recommendation.title} – {initiative.get_status_display().lower()}",
        footer,
    )
    primary = section.primary
    if primary is not None and primary.png:
        slide.shapes.add_picture(io.BytesIO(primary.png), Inches(0.5), Inches(1.7), width=Inches(8.6))
    lines = []
    if primary is not None:
        lines += [primary.measure.name, primary.chart.sentence + "."]
        if primary.completeness:
            lines.append(
                _("Datakomplethed: %(present)d af %(expected)d værdier")
                % {"present": primary.completeness.present, "expected": primary.completeness.expected}
            )
    else:
        lines.append(_("Afdelingen har endnu ingen målinger for anbefalingen."))
    others = [m for m in section.measures if m is not primary]
    for other in others:
        lines += ["", f"{other.measure.name}: {other.chart.sentence}."]
    if section.actions:
        lines += ["", _("Tiltag:")] + [f"{a.date:%d.%m.%Y} {a.text}" for a in section.actions[-3:]]
    _text(slide, Inches(9.3), Inches(1.7), Inches(3.6), Inches(5.1), lines, size=13)


#: Measures per summary slide (one row each, icon pictures beside the text).
SUMMARY_ROWS = 12


def _icon_png(path: str | None) -> Path | None:
    """The PNG copy of an icon's SVG (`static/icons/…`): PowerPoint cannot place SVG."""
    if path is None:
        return None
    png = Path(settings.BASE_DIR) / "static" / path.replace(".svg", ".png")
    return png if png.exists() else None


def _summary(prs, ctx) -> None:
    """Variation and assurance (Making Data Count) of every department's measures: icon and text, never colour
    alone; as many slides as the rows need."""
    rows = [(entry["row"].department.name, m) for entry in ctx["departments"] for m in entry["section"].measures]
    footer = f"{ctx['quarter'].label} · {_('Data til og med')} {ctx['data_until_label']} · {ctx['built_label']}"
    for start in range(0, max(len(rows), 1), SUMMARY_ROWS):
        slide = _slide(prs)
        _header(slide, _("Variation og målopfyldelse"), _("Hver målings seneste fase (Making Data Count)"), footer)
        chunk = rows[start : start + SUMMARY_ROWS]
        if not chunk:
            _text(slide, Inches(0.5), Inches(1.7), Inches(12), Inches(1), [_("Ingen målinger endnu.")])
        top = Inches(1.6)
        step = Inches(0.44)
        for index, (department, m) in enumerate(chunk):
            y = top + step * index
            _text(slide, Inches(0.5), y, Inches(5.6), step, [f"{department}: {m.measure.name}"], size=12)
            for column, (icon, label) in enumerate(
                ((m.chart.variation_icon, m.chart.variation_label), (m.chart.assurance_icon, m.chart.assurance_label))
            ):
                left = Inches(6.2 + 3.5 * column)
                png = _icon_png(icon)
                if png is not None:
                    slide.shapes.add_picture(str(png), left, y, height=Inches(0.36))
                _text(slide, left + Inches(0.42), y, Inches(3.0), step, [label], size=11)


def inspiration_slides(ctx) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    _overview(prs, ctx)
    _summary(prs, ctx)
    for entry in ctx["departments"]:
        _department(prs, ctx, entry)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
