"""The supervisor dashboard as an Excel workbook (tables with native bar charts) and as an
A4 PDF (tables with the same SVG charts as the page). Labels are Japanese, like the other
office reports."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from japan.wareki import format_datetime_ja
from reports.charts import bar_chart_svg
from reports.pdf import render_template_pdf

AGE_JA = {"0-1": "0〜1日", "2-3": "2〜3日", "4-7": "4〜7日", "8-14": "8〜14日",
          "15-30": "15〜30日", "31-": "31日以上"}
FORWARDING_JA = {"in_transit": "回送中（未受領）", "received": "受領済・預かり書未返送"}
_BOLD = Font(bold=True)
_HEAD = PatternFill("solid", fgColor="DDDDDD")


def charts(d: Any, *, titles: tuple[str, str] = ("処理件数（過去30日・日別）",
                                                  "未完了タスクの滞留日数"),
           age_labels: dict[str, str] | None = None,
           age_links: list[str] | None = None) -> dict[str, str]:
    """The two SVG charts of a dashboard (throughput, ageing); Japanese unless told."""
    labels = age_labels or AGE_JA
    days = [(f"{day.month}/{day.day}", n) for day, n in d.throughput]
    ages = [(labels.get(k, k), n) for k, n in d.ageing]
    return {"throughput": bar_chart_svg(days, title=titles[0], label_every=5,
                                        chart_id="throughput-chart"),
            "ageing": bar_chart_svg(ages, title=titles[1], alert_from=4, links=age_links,
                                    chart_id="ageing-chart")}


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list]) -> Any:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font, cell.fill = _BOLD, _HEAD
    for row in rows:
        ws.append(row)
    for i, _h in enumerate(header):
        ws.column_dimensions[chr(ord("A") + i)].width = 18 if i else 20
    ws.freeze_panes = "A2"
    return ws


def _bar(ws: Any, title: str, rows: int, anchor: str) -> None:
    chart = BarChart()
    chart.title, chart.legend = title, None
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=rows + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=rows + 1))
    chart.width, chart.height = 22, 9
    ws.add_chart(chart, anchor)


def dashboard_xlsx(d: Any, *, supervisor: str) -> bytes:
    """Sheets: open items by department and task, overdue, throughput and ageing with charts,
    forwarding lines without acknowledgement."""
    wb = Workbook()
    wb.remove(wb.active)
    stamp = format_datetime_ja(d.now)
    _sheet(wb, "部署・タスク別", ["担当課", "タスク", "未着手", "処理中", "期限超過"],
           [[x.department.name, x.name, x.open, x.claimed, x.overdue] for x in d.lines]
           + [["合計", "", d.total("open"), d.total("claimed"), d.total("overdue")],
              [f"{stamp} 現在（{supervisor}）"]])
    _sheet(wb, "期限超過", ["案件番号", "タスク", "申請者・住民", "期限", "超過営業日数", "担当者"],
           [[r.item.case.number, r.item.name, r.item.case.subject_name,
             format_datetime_ja(r.item.due_at), r.late_days,
             r.item.assignee.display_name if r.item.assignee else "未割当"]
            for r in d.overdue.rows])
    ws = _sheet(wb, "処理件数", ["日付", "完了件数"],
                [[day.isoformat(), n] for day, n in d.throughput])
    _bar(ws, "処理件数（過去30日・日別）", len(d.throughput), "D2")
    ws = _sheet(wb, "滞留日数", ["滞留日数", "件数"],
                [[AGE_JA.get(k, k), n] for k, n in d.ageing])
    _bar(ws, "未完了タスクの滞留日数", len(d.ageing), "D2")
    _sheet(wb, "回送未確認", ["担当課", FORWARDING_JA["in_transit"], FORWARDING_JA["received"],
                              "期限超過"],
           [[x.department.name, x.in_transit, x.received, x.overdue] for x in d.forwarding])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def dashboard_pdf(d: Any, *, supervisor: str) -> bytes:
    """A4 portrait: the same numbers and charts as the page."""
    return render_template_pdf("staff/dashboard.html", d=d, charts=charts(d), age_ja=AGE_JA,
                               forwarding_ja=FORWARDING_JA, supervisor=supervisor,
                               printed_at=d.now)
