"""How a report period is split into whole months and ISO weeks (read from the rollups) and
the days left over (read raw): every day exactly once."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.reports.rollups import Tile, cover, tile_of

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@given(days, st.integers(0, 400))
def test_tiles_and_leftovers_hold_every_day_once(first, length):
    last = first + timedelta(days=length)
    tiles, rest = cover(first, last)
    covered = [d for t in tiles for d in _days(t.start, t.last)] + [d for a, b in rest for d in _days(a, b)]
    assert sorted(covered) == _days(first, last)


@given(days, st.integers(0, 400))
def test_tiles_are_whole_weeks_and_months(first, length):
    tiles, rest = cover(first, first + timedelta(days=length))
    for tile in tiles:
        assert tile == tile_of(tile.grain, tile.start)
        if tile.grain == "week":
            assert tile.start.weekday() == 0 and tile.last.weekday() == 6
        else:
            assert tile.start.day == 1 and (tile.last + timedelta(days=1)).day == 1
    for a, b in rest:  # only days that make no whole week: few are read raw
        assert not any(d.weekday() == 0 and d + timedelta(days=6) <= b for d in _days(a, b))
    assert len(rest) <= 4  # around the months, around the weeks


def test_a_month_is_one_tile_and_a_week_too():
    assert cover(date(2026, 10, 1), date(2026, 10, 31)) == ([Tile("month", date(2026, 10, 1))], [])
    assert cover(date(2026, 11, 16), date(2026, 11, 22)) == ([Tile("week", date(2026, 11, 16))], [])


def test_a_range_takes_the_month_then_weeks_then_days():
    tiles, rest = cover(date(2026, 9, 20), date(2026, 11, 4))
    assert tiles == [Tile("month", date(2026, 10, 1)), Tile("week", date(2026, 9, 21))]
    assert rest == [(date(2026, 9, 20), date(2026, 9, 20)), (date(2026, 9, 28), date(2026, 9, 30)),
                    (date(2026, 11, 1), date(2026, 11, 4))]
