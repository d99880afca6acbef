import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from ilag.formats import dato, kr, number, percent


def test_amounts_are_kroner_with_space_groups():
    with translation.override("nb"):
        assert kr(1_250_000) == "kr\xa01\xa0250\xa0000"
        assert kr(0) == "kr\xa00"
        assert kr(None) == ""


def test_dates_are_day_month_year_with_dots():
    with translation.override("nb"):
        assert dato(datetime.date(2023, 11, 15)) == "15.11.2023"
    with translation.override("en"):
        assert dato(datetime.date(2023, 11, 15)) == "15.11.2023"


def test_percent_and_numbers_use_decimal_comma_in_bokmal():
    with translation.override("nb"):
        assert percent(Decimal("12.5")) == "12,5\xa0%"
        assert number(Decimal("2.50")) == "2,5"
        assert number(Decimal("12.00")) == "12"


def test_filters_are_available_in_every_template():
    with translation.override("nb"):
        html = Template("{{ a|kr }} {{ d|dato }}").render(
            Context({"a": 4_000_000, "d": datetime.date(2025, 12, 1)})
        )
    assert html == "kr\xa04\xa0000\xa0000 01.12.2025"


def test_numbers_and_percentages_are_rounded_not_cut():
    with translation.override("nb"):
        assert number(Decimal("2.29"), 1) == "2,3"
        assert percent(Decimal("59.96")) == "60,0\xa0%"
        assert percent(Decimal("12.44")) == "12,4\xa0%"
