"""Turning figures and HTML into files: SVG/PNG charts through one kaleido (Chromium) session per process, kept
open from report to report (`shared_session`), PDF through WeasyPrint."""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import os
import re
import shutil
import threading
from collections.abc import Coroutine
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

#: Browser names looked for on PATH when `CHROMIUM_PATH` is empty (Debian's package first).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ChartEngineMissing(RuntimeError):
    """No Chromium for the chart engine: the report cannot draw its charts. The message is Danish and names the fix."""


def chromium_path() -> str:
    """The browser the chart engine drives: the `CHROMIUM_PATH` setting, or the first of CHROMIUM_NAMES on PATH.

    Raises ChartEngineMissing (with a Danish message that names the fix) when there is none.
    """
    configured = settings.CHROMIUM_PATH
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        raise ChartEngineMissing(
            _(
                "Rapporten kan ikke tegne sine diagrammer: CHROMIUM_PATH peger på %(path)s, som ikke findes eller "
                "ikke kan køres. Ret CHROMIUM_PATH, eller installér Chromium (Debian: apt-get install chromium)."
            )
            % {"path": configured}
        )
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    raise ChartEngineMissing(
        _(
            "Rapporten kan ikke tegne sine diagrammer, fordi Chromium ikke er installeret på serveren. Installér "
            "Chromium (Debian: apt-get install chromium), eller sæt CHROMIUM_PATH til browseren, og prøv igen."
        )
    )


def chart_engine_problem() -> str | None:
    """Why reports cannot draw their charts on this machine (Danish, naming the fix), or None when they can."""
    try:
        chromium_path()
    except ChartEngineMissing as missing:
        return str(missing)
    return None


#: The plotly.js the chart engine draws with: the same partial bundle the pages use (scatter traces, shapes and
#: annotations are all the charts need). kaleido reloads its tab after every chart, and Chromium parsing plotly.py's
#: full 4.8 MB bundle each time was most of a report's CPU; the 1.2 MB bundle costs a quarter of that.
PLOTLY_JS = settings.BASE_DIR / "static" / "vendor" / "plotly-basic-4.1.1.min.js"

#: Size of a chart in a report (CSS pixels); the SVG scales without loss in the PDF.
CHART_WIDTH = 900
CHART_HEIGHT = 340


class ChartSession:
    """One Chromium, kept open while a report's charts are exported (~0.3 s per chart instead of ~2 s), with
    `VAELGKLOGT_CHART_TABS` tabs so that `export_many` draws several charts at once.

    kaleido is asynchronous; it runs on an event loop in a private thread so that the caller (a Celery task or a
    web request) stays synchronous and keeps its database connection in its own thread.
    """

    def __init__(self, *, timeout: float | None = None):
        self.timeout = timeout or settings.VAELGKLOGT_CHART_TIMEOUT_SECONDS
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self.exported = 0

    def __enter__(self) -> ChartSession:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido", daemon=True)
        self._thread.start()
        try:
            self._kaleido = self._run(self._open())
        except BaseException:
            self._stop_loop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if self._kaleido is not None:
                self._run(self._kaleido.close())
        finally:
            self._kaleido = None
            self._stop_loop()

    async def _open(self):
        import kaleido

        # MathJax would come from a CDN; the charts use none.
        session = kaleido.Kaleido(
            n=max(1, settings.VAELGKLOGT_CHART_TABS),
            timeout=self.timeout,
            mathjax=False,
            plotlyjs=PLOTLY_JS,
            path=chromium_path(),
        )
        await session.open()
        return session

    def _run(self, coroutine: Coroutine, *, figures: int = 1) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=self.timeout * figures + 30)

    def _stop_loop(self) -> None:
        if self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._loop.close()
        self._loop, self._thread = None, None

    def export(self, figure: dict, *, fmt: str, width: int = CHART_WIDTH, height: int = CHART_HEIGHT, scale=1) -> bytes:
        if self._kaleido is None:
            raise RuntimeError("ChartSession is not open")
        data = self._run(
            self._kaleido.calc_fig(figure, opts={"format": fmt, "width": width, "height": height, "scale": scale})
        )
        self.exported += 1
        return data

    def export_many(
        self, figures: list[dict], *, fmt: str, width: int = CHART_WIDTH, height: int = CHART_HEIGHT, scale=1
    ) -> list[bytes]:
        """Several figures at once, spread over the session's tabs (VAELGKLOGT_CHART_TABS); in the given order."""
        if self._kaleido is None:
            raise RuntimeError("ChartSession is not open")
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}

        async def all_figures():
            return await asyncio.gather(*(self._kaleido.calc_fig(figure, opts=opts) for figure in figures))

        data = self._run(all_figures(), figures=len(figures))
        self.exported += len(figures)
        return list(data)

    def svgs(self, figures: list[dict], **size) -> list[str]:
        return [data.decode("utf-8") for data in self.export_many(figures, fmt="svg", **size)]

    def svg(self, figure: dict, **size) -> str:
        return self.export(figure, fmt="svg", **size).decode("utf-8")

    def png(self, figure: dict, **size) -> bytes:
        return self.export(figure, fmt="png", scale=2, **size)


_shared: ChartSession | None = None
_shared_lock = threading.Lock()
_close_at_exit = False


@contextlib.contextmanager
def shared_session():
    """The process's one open ChartSession (Chromium started once per worker process, not once per report).

    Used by one report at a time (a lock); closed when the process exits; opened again after a failure.
    """
    global _shared, _close_at_exit
    with _shared_lock:
        if _shared is None:
            session = ChartSession()
            session.__enter__()  # starting Chromium takes seconds: once per process, not once per report
            _shared = session
            if not _close_at_exit:
                atexit.register(_close_shared)
                _close_at_exit = True
        try:
            yield _shared
        except BaseException:
            _close_shared()
            raise


def _close_shared() -> None:
    global _shared
    session, _shared = _shared, None
    if session is not None:
        with contextlib.suppress(Exception):
            session.__exit__(None, None, None)


_MARKER = re.compile(
    r'<path class="point[^"]*" transform="translate\((?P<x>[-\d.e]+),(?P<y>[-\d.e]+)\)" d="(?P<d>[^"]*)"'
    r' style="(?P<style>[^"]*)"\s*/>'
)
_PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
#: For each absolute path command: which of its numbers are x (0) and y (1) coordinates (None: neither).
_AXES = {
    "M": (0, 1),
    "L": (0, 1),
    "T": (0, 1),
    "H": (0,),
    "V": (1,),
    "C": (0, 1, 0, 1, 0, 1),
    "S": (0, 1, 0, 1),
    "Q": (0, 1, 0, 1),
    "A": (None, None, None, None, None, 0, 1),
}


def _translated(d: str, dx: float, dy: float) -> str | None:
    """Path data `d` moved by (dx, dy), or None when it uses commands this does not move (relative ones)."""
    out, command, numbers = [], None, []

    def flush() -> bool:
        if command is None:
            return True
        axes = _AXES.get(command)
        if axes is None or (numbers and len(numbers) % len(axes)):
            return False
        moved = [
            n + (dx if axes[i % len(axes)] == 0 else dy if axes[i % len(axes)] == 1 else 0)
            for i, n in enumerate(numbers)
        ]
        out.append(command + " ".join(f"{n:.6g}" for n in moved))
        return True

    for token in _PATH_TOKEN.findall(d):
        if token.isalpha():
            if not flush():
                return None
            if token in "Zz":
                out.append("Z")
                command, numbers = None, []
                continue
            command, numbers = token, []
        else:
            numbers.append(float(token))
    return "".join(out) if flush() else None


def merge_markers(svg: str) -> str:
    """The chart's point markers (one `<path>` each, 120 in a ten-year chart) merged into one path per run of
    markers with the same style: the same picture, but a tenth of the nodes, which is what WeasyPrint's drawing of
    the SVG costs (seconds per report otherwise). Markers this cannot move exactly are left as they are."""
    pieces, last = [], 0
    run_style, run_paths, run_end = None, [], 0

    def close_run():
        if run_paths:
            pieces.append(f'<path d="{"".join(run_paths)}" style="{run_style}"/>')

    for match in _MARKER.finditer(svg):
        moved = _translated(match["d"], float(match["x"]), float(match["y"]))
        if moved is None:
            continue
        adjacent = run_paths and match.start() == run_end and match["style"] == run_style
        if not adjacent:
            close_run()
            pieces.append(svg[last : match.start()])
            run_style, run_paths = match["style"], []
        run_paths.append(moved)
        last = run_end = match.end()
    close_run()
    pieces.append(svg[last:])
    return "".join(pieces)


_EMPTY_GROUP = re.compile(r"<g\b[^>]*/>|<g\b[^>]*>\s*</g>")


def drop_empty_groups(svg: str) -> str:
    """The chart without its empty `<g>` elements (plotly writes a layer for every kind of thing a chart may have:
    77 of a ten-year chart's 174 groups are empty). An empty group draws nothing, whatever its attributes, and
    plotly's SVG refers to no group by id; WeasyPrint walks and styles every node, so this is a tenth less of its
    time for the charts. Groups that become empty once their empty children are gone go too."""
    while True:
        smaller = _EMPTY_GROUP.sub("", svg)
        if smaller == svg:
            return svg
        svg = smaller


def svg_data_uri(svg: str) -> str:
    """An SVG as an `<img src>`: scripts in it never run, and WeasyPrint still draws it as vector graphics."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
