"""The park assessment report: one self-contained HTML file (charts inline), its PDF, JSON and CSV tables.

The report is rendered from the assessment's JSON alone (``assessment.json``), so it
can be rebuilt without recomputing (:func:`render_html` / :func:`write_report`).
Numbers are formatted to the language's locale and texts come from the catalogues, both
through :mod:`greenpark.i18n`; the PDF is the same HTML laid out by
WeasyPrint.
"""

from greenpark.report.render import render_html, write_report

__all__ = ["render_html", "write_report"]
