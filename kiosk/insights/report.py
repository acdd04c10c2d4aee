"""The agency report as one self-contained HTML page (pure): the same figures as the CSV, with
suppressed cells said as "< k" and why."""

from __future__ import annotations

import html

from kiosk.insights.aggregate import Insights

STYLE = ("body{font-family:sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
         "td,th{border:1px solid #bbb;padding:.3rem .6rem;text-align:left}td.n{text-align:right}"
         ".small{color:#555;font-size:.9rem}")


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td class="{"n" if i else ""}">{html.escape(c)}</td>' for i, c in enumerate(r))
                   + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def insights_html(insights: Insights, title: str, window: str) -> str:
    said = f"< {insights.k}"

    def n(value: float | None) -> str:
        return said if value is None else f"{value:g}"

    parts = [f"<h1>{html.escape(title)}</h1><p>{html.escape(window)} — {n(insights.visits)} visits.</p>",
             f'<p class="small">Only aggregates: no visitor is named or counted alone. Any figure over fewer than '
             f"{insights.k} visitors is shown as “{said}” ({insights.suppressed_cells} here); skill ranges are "
             f"the middle half (quartiles) of the estimates of at least {insights.k} visitors.</p>",
             "<h2>Visits per week</h2>", _table(["week", "visits"], [[w, n(c)] for w, c in
                                                                    insights.visits_per_week.items()]),
             "<h2>Visits per kiosk and week</h2>",
             _table(["kiosk", "week", "visits"], [[kiosk, w, n(c)] for kiosk, weeks in
                                                 insights.visits_per_kiosk_week.items() for w, c in weeks.items()]),
             "<h2>Languages</h2>", _table(["language", "visits"], [[lang, n(c)] for lang, c in
                                                                   insights.languages.items()]),
             "<h2>Scenarios: started, finished, left</h2>",
             _table(["scenario", "started", "finished", "left"],
                    [[s.rsplit("/", 1)[-1], n(f["started"]), n(f["finished"]), n(f["left"])]
                     for s, f in insights.funnel.items()]),
             "<h2>Where visitors leave</h2>",
             _table(["scenario", "steps answered before leaving", "visitors"],
                    [[s.rsplit("/", 1)[-1], str(steps), n(c)] for s, counts in insights.left_after_steps.items()
                     for steps, c in counts.items()]),
             "<h2>Skills shown across visitors</h2>",
             _table(["ESCO skill", "visitors with enough evidence", "middle half (logits)", "median"],
                    [[uri, n(r.visitors), "" if r.visitors is None else f"{r.low:g} … {r.high:g}",
                      "" if r.median is None else f"{r.median:g}"] for uri, r in insights.skills.items()])]
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>\n")
