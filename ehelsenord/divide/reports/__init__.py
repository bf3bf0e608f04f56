"""The status report for leaders and funders: the divide as PDF and as XLSX (see content.py)."""

from ehelsenord.divide.reports.pdf import report_pdf_response
from ehelsenord.divide.reports.xlsx import report_xlsx_response

__all__ = ["report_pdf_response", "report_xlsx_response"]
