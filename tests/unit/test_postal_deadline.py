"""Postmark (消印有効) vs arrival (必着) deadline rules, at the boundary, with holidays."""

import threading
from datetime import date

from workflows.postal.deadline import describe, judge, nominal_deadline
from workflows.postal.postcode import lookup, normalize

# 2026-05-03 (Sun) to 05-06 (Wed, 振替休日) are holidays: the office reopens on Thu 05-07.
GOLDEN_WEEK_END = date(2026, 5, 6)


def test_a_deadline_on_a_holiday_moves_to_the_next_business_day():
    j = judge("arrival", date(2026, 5, 3), postmark=None, arrival=date(2026, 5, 7))
    assert j.deadline == date(2026, 5, 7) and j.extended and not j.late
    assert "閉庁日のため翌開庁日に延長" in describe(j) and describe(j).startswith("期限内")


def test_arrival_rule_counts_the_arrival_day_at_the_boundary():
    in_time = judge("arrival", GOLDEN_WEEK_END, postmark=date(2026, 5, 1),
                    arrival=date(2026, 5, 7))
    late = judge("arrival", GOLDEN_WEEK_END, postmark=date(2026, 5, 1),
                 arrival=date(2026, 5, 8))
    assert not in_time.late and late.late_days == 1 and late.basis == "arrival"
    assert describe(late).startswith("期限後") and "必着" in describe(late)


def test_postmark_rule_counts_the_postmark_even_when_it_arrives_later():
    j = judge("postmark", GOLDEN_WEEK_END, postmark=date(2026, 5, 7),
              arrival=date(2026, 5, 11))
    assert not j.late and j.compared == date(2026, 5, 7) and j.basis == "postmark"
    late = judge("postmark", GOLDEN_WEEK_END, postmark=date(2026, 5, 8),
                 arrival=date(2026, 5, 11))
    assert late.late_days == 1 and "消印有効：消印日" in describe(late)
    # The same envelope under the arrival rule is four days late.
    assert judge("arrival", GOLDEN_WEEK_END, postmark=date(2026, 5, 7),
                 arrival=date(2026, 5, 11)).late_days == 4


def test_an_illegible_postmark_falls_back_to_the_arrival_date():
    j = judge("postmark", date(2026, 6, 10), postmark=None, arrival=date(2026, 6, 11))
    assert j.basis == "arrival_no_postmark" and j.late_days == 1
    assert "消印が読めないため到着日で判定" in describe(j)


def test_year_end_closure_extends_to_january_4():
    j = judge("arrival", date(2026, 12, 29), postmark=None, arrival=date(2027, 1, 4))
    assert j.deadline == date(2027, 1, 4) and not j.late


def test_nominal_deadline_from_the_event_or_an_explicit_date():
    assert nominal_deadline(14, date(2026, 4, 19), None) == date(2026, 5, 3)
    assert nominal_deadline(14, date(2026, 4, 19), date(2026, 6, 1)) == date(2026, 6, 1)
    assert nominal_deadline(None, date(2026, 4, 19), None) is None
    assert describe(judge("arrival", None, postmark=None, arrival=date(2026, 5, 1))) == \
        "提出期限なし"


def test_postal_codes_are_normalised_and_looked_up():
    assert normalize("〒２１０－０００１") == "210-0001"
    assert normalize("210ー0001") == normalize("2100001") == "210-0001"
    assert normalize("21-0001") is None
    assert lookup("210-0001") == "神奈川県川崎市川崎区本町"
    assert lookup("999-9999") is None


def test_a_postal_code_is_looked_up_from_another_thread():
    # gunicorn's gthread workers serve requests on threads other than the importing one.
    found: list[object] = []

    def look() -> None:
        try:
            found.append(lookup("210-0001"))
        except Exception as exc:  # the failure is what the test reports
            found.append(exc)

    worker = threading.Thread(target=look)
    worker.start()
    worker.join()
    assert found == ["神奈川県川崎市川崎区本町"]
