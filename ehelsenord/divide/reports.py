"""Placeholder: the leader report (PDF and XLSX), written by a helper."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from ehelsenord.divide.selectors import DivideData, TrendPoint


def report_pdf_response(data: DivideData, points: list[TrendPoint]) -> HttpResponse:
    raise Http404


def report_xlsx_response(data: DivideData, points: list[TrendPoint]) -> HttpResponse:
    raise Http404
