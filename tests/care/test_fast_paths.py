"""The rules' fast paths give exactly what the plain definitions give (they run for every
profile of a region-wide re-evaluation, so they avoid dateutil and day-by-day sets)."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from diary.clinical import age_in_years
from diary.selectors import covered_day_count, covered_days

days = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2060, 12, 31))


@given(days, days)
def test_age_in_years_counts_as_relativedelta_does(born, on):
    if on >= born:
        assert age_in_years(born, on) == relativedelta(on, born).years


def test_a_29_february_birthday_counts_on_the_28th_in_other_years():
    assert age_in_years(dt.date(2008, 2, 29), dt.date(2026, 2, 27)) == 17
    assert age_in_years(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 18


spans = st.lists(
    st.tuples(days, st.one_of(st.none(), days)).map(lambda s: (s[0], s[1] and max(s))), max_size=8
)


@given(spans, days, st.integers(min_value=0, max_value=400))
def test_covered_day_count_is_the_number_of_covered_days(courses, start, length):
    end = start + dt.timedelta(days=length)
    assert covered_day_count(courses, start=start, end=end) == len(
        covered_days(courses, start=start, end=end)
    )
