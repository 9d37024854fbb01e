"""SVG bar charts: readable by people and screen readers, safe to inline under the CSP."""

from xml.etree import ElementTree

from reports.charts import bar_chart_svg, nice_max

NS = {"s": "http://www.w3.org/2000/svg"}


def test_axis_maximum_is_round():
    assert [nice_max(v) for v in (0, 1, 3, 7, 11, 120, 999)] == [1, 1, 5, 10, 20, 200, 1000]


def test_chart_has_title_values_links_and_no_styles_or_scripts():
    svg = bar_chart_svg([("0〜1日", 3), ("31日以上", 12)], title="滞留日数 <テスト>",
                        links=["/queues/all?age=0-1", None], alert_from=1, chart_id="c")
    root = ElementTree.fromstring(svg)  # well-formed XML
    assert root.find("s:title", NS).text == "滞留日数 <テスト>"
    assert "0〜1日: 3; 31日以上: 12" in root.find("s:desc", NS).text
    assert [a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")] == [
        "/queues/all?age=0-1"]
    fills = [r.get("fill") for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert fills == ["#0b5cad", "#b3261e"]
    assert "style" not in svg and "script" not in svg and 'role="img"' in svg


def test_empty_chart_still_draws_its_axes():
    svg = bar_chart_svg([], title="なし")
    assert ElementTree.fromstring(svg).find("s:title", NS).text == "なし"


def test_same_numbers_reuse_the_drawn_chart_and_new_numbers_redraw_it():
    days = [("11/1", 5), ("11/2", 7)]
    first = bar_chart_svg(days, title="処理件数", chart_id="t")
    assert bar_chart_svg(list(days), title="処理件数", chart_id="t") is first  # kept
    changed = bar_chart_svg([("11/1", 5), ("11/2", 8)], title="処理件数", chart_id="t")
    assert changed != first and "11/2: 8" in changed and "11/2: 7" not in changed
    english = bar_chart_svg(days, title="Completed", chart_id="t")
    assert "Completed" in english and "処理件数" not in english
