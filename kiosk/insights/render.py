"""The report as files: one CSV per table and one self-contained HTML page (pure: text in, text out)."""

from __future__ import annotations

import csv
import html
import io

from kiosk.insights.privacy import SUPPRESSED
from kiosk.insights.report import Cell, Report, Table


def cell_text(cell: Cell) -> str:
    return SUPPRESSED if cell is None else str(cell)


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([cell_text(c) for c in row] for row in table.rows)
    return out.getvalue()


STYLE = """
body { font-family: "Noto Sans", sans-serif; margin: 2em; color: #1b2430; max-width: 60em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
.meta, .note { color: #55606e; font-size: 0.9em; }
table { border-collapse: collapse; margin-top: 0.4em; font-size: 0.9em; }
th, td { border: 1px solid #c9d1db; padding: 0.25em 0.6em; text-align: left; }
td.n { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.n .v { display: inline-block; min-width: 3em; text-align: right; }
td.s { color: #8a6d00; background: #fff7d6; text-align: right; }
.bar { display: inline-block; height: 0.7em; background: #3b7dd8; margin-left: 0.5em; vertical-align: middle; }
.privacy { border-left: 4px solid #3b7dd8; padding: 0.4em 0.8em; background: #eef4fc; }
@media print { body { margin: 1cm; } h2 { break-after: avoid; } table { break-inside: avoid; } }
"""


def _td(cell: Cell, widest: int) -> str:
    if cell is None:
        return f'<td class="s" title="fewer than 10 visitors: not shown">{SUPPRESSED}</td>'
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        width = round(5 * cell / widest, 1) if widest else 0
        return f'<td class="n"><span class="v">{cell}</span><span class="bar" style="width:{width}em"></span></td>'
    return f"<td>{html.escape(str(cell))}</td>"


def _table_html(table: Table) -> str:
    widest = [max((int(cell) for row in table.rows if isinstance(cell := row[c], int | float)), default=0)
              for c in range(len(table.columns))]  # bars scale within their own column
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(_td(cell, widest[c]) for c, cell in enumerate(row)) + "</tr>"
                   for row in table.rows)
    note = f'<p class="note">{html.escape(table.note)}</p>' if table.note else ""
    return f"<h2>{html.escape(table.title)}</h2><table><tr>{head}</tr>{body}</table>{note}"


def report_html(report: Report, source: str, made: str) -> str:
    period = f"{report.period[0]} to {report.period[1]}" if report.period[0] else "no visits"
    visits = report.visits if report.visits >= report.k or not report.visits else SUPPRESSED  # the total too
    missing = "".join(f"<li>{html.escape(m)}</li>" for m in report.missing)
    tables = "".join(_table_html(t) for t in report.tables)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Nova Kiosk — what the agencies '
            f"learn</title><style>{STYLE}</style></head><body>"
            f"<h1>Nova Kiosk — what the agencies learn</h1>"
            f'<p class="meta">{visits} visits, {html.escape(period)} · source: {html.escape(source)} · '
            f"made {html.escape(made)}</p>"
            f'<p class="privacy">Only aggregates: any count of fewer than {report.k} visitors is shown as '
            f"<b>{SUPPRESSED}</b>, and so are larger counts wherever a hidden one could otherwise be worked out "
            f"from a row or column total. No visit, registration or pseudonym appears in this report.</p>"
            f"{tables}<h2>Not available from the statements yet</h2><ul>{missing}</ul></body></html>")
