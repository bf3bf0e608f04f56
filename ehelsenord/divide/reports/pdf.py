"""The leader report as PDF (WeasyPrint): one HTML template, the SVGs given their own styles."""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from ehelsenord.divide.map import MATURITY, band_labels, map_data
from ehelsenord.divide.maturity import BEHIND_BY, MAX_POINTS, MIN_PEERS, STAGE_POINTS
from ehelsenord.divide.selectors import DivideData, TrendPoint, trend_figures
from ehelsenord.municipalities.selectors import area_reaches_outside_region

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration


from ehelsenord.divide.reports.content import (
    Report,
    attachment,
    report_of,
)

PDF_CONTENT_TYPE = "application/pdf"
CSS_DIR = Path(settings.BASE_DIR) / "static" / "css"
PRINT_STYLESHEET = "report-print.css"
# The map's and the charts' styles: the pages' own, so they look as on the screen, then the print's changes.
SVG_STYLESHEETS = ("divide.css", "divide-pages.css", "report-svg.css")


def report_html(report: Report) -> str:
    """The whole report as an HTML document for WeasyPrint."""
    data = report.data
    colour = map_data(data, MATURITY)
    return render_to_string(
        "divide/report_pdf.html",
        {
            "report": report,
            "data": data,
            "selection": data.selection,
            "area_label": report.area,
            "region_name": settings.REGION_NAME,
            "outside_region": area_reaches_outside_region(data.selection.area),
            "colour": colour,
            "no_legend": [],  # the map's own legend cannot reach its patterns in WeasyPrint: report_legend.html
            "bands": list(zip(band_labels(), data.total.distribution, strict=True)),
            "trend": trend_figures(data, report.points),
            "stage_points": [(str(stage.label), points) for stage, points in STAGE_POINTS.items()],
            "max_points": MAX_POINTS,
            "freshness_days": settings.FRESHNESS_DAYS,
            "behind_by": round(BEHIND_BY * 100),
            "min_peers": MIN_PEERS,
        },
    )


# WeasyPrint styles inline SVG from the SVG's own <style> only, never from the document's stylesheets:
# the map's and the charts' classes get their CSS from a <style> put first into their <svg>. (The legend's
# swatches need none: they are drawn with attributes.)
_SVG_START = re.compile(r'(<svg class="(?:hexmap__svg|divide-chart)"[^>]*>)')


@cache
def _svg_style() -> str:
    css = "\n".join((CSS_DIR / name).read_text(encoding="utf-8") for name in SVG_STYLESHEETS)
    return f"<style><![CDATA[{css}]]></style>"


def _with_svg_styles(html: str) -> str:
    return _SVG_START.sub(lambda match: match.group(1) + _svg_style(), html)


# One font configuration and one parsed set of stylesheets for every report the process makes.
# WeasyPrint does not promise that sharing them between threads is safe, so one report at a time.
_PDF_LOCK = threading.Lock()


@cache
def _fonts_and_css() -> tuple[FontConfiguration, CSS]:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return fonts, CSS(filename=str(CSS_DIR / PRINT_STYLESHEET), font_config=fonts)


def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    html = HTML(string=_with_svg_styles(report_html(report)), base_url=str(settings.BASE_DIR))
    with _PDF_LOCK:
        fonts, stylesheet = _fonts_and_css()
        # Tagged (structure, reading order, alt texts) so screen readers can read the report.
        return html.write_pdf(stylesheets=[stylesheet], font_config=fonts, pdf_tags=True) or b""


def report_pdf_response(data: DivideData, points: list[TrendPoint]) -> HttpResponse:
    report = report_of(data, points)
    return attachment(report_pdf(report), PDF_CONTENT_TYPE, f"{report.filename_stem}.pdf")


# --- XLSX ------------------------------------------------------------------------------------------
