"""How points are shown on evaluation pages and the dashboard."""

from decimal import Decimal

from vendor_qa.templating import points


def test_points_show_two_decimals_at_most_and_no_trailing_zeros():
    assert points(Decimal("1.6666")) == "1.67"  # 1 of 3 on a 5-point criterion, stored truncated
    assert points(Decimal("10.0000")) == "10"
    assert points(Decimal("2.5000")) == "2.5"
    assert points(Decimal("0.0049")) == "0"
    assert points(None) == "—"
