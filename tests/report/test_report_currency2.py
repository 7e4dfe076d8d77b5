"""A second currency on the report: money cells also in JPY or USD at the dated, sourced rate stated on page 1
and in the appendix, in each language."""

import re

import pytest
from test_report_render import _assessment

from greenpark.errors import InputError
from greenpark.report import render_html

# finance/exchange_rates.csv: JPY 179.70 VND/JPY (Vietcombank 9 Apr 2025, midpoint of 175.07 / 184.33),
# USD 24,837 VND/USD (SBV central rate 31 Mar 2025)
# the symbiosis match's net benefit 117,286,306.4 VND:
#   / 179.70 = 652,678.39 JPY -> 652,678;  / 24,837 = 4,722.24 USD -> 4,722
CASES = {
    ("en", "JPY"): ("117.3", "652,678 JPY", "179.70", "9 Apr 2025"),
    ("vi", "JPY"): ("117,3", "652.678 JPY", "179,70", "9 thg 4, 2025"),
    ("ja", "JPY"): ("117.3", "652,678 JPY", "179.70", "2025年4月9日"),
    ("en", "USD"): ("117.3", "4,722 USD", "24,837", "31 Mar 2025"),
    ("vi", "USD"): ("117,3", "4.722 USD", "24.837", "31 thg 3, 2025"),
    ("ja", "USD"): ("117.3", "4,722 USD", "24,837", "2025年3月31日"),
}
STATED = {
    "en": "Money is computed in VND; {c} figures",
    "vi": "Tiền tính bằng VND; số tiền bằng {c}",
    "ja": "金額はVNDで計算。{c}の金額",
}


def _page1(html: str) -> str:
    return html[html.index('id="summary"') : html.index('id="inventory"')]


def _appendix(html: str) -> str:
    return html[html.index('id="appendix"') :]


@pytest.mark.parametrize(("lang", "cur"), list(CASES))
def test_money_in_a_second_currency_with_its_rate_stated(lang, cur):
    mvnd, other, rate, day = CASES[(lang, cur)]
    html = render_html(_assessment(), lang, currency2=cur)
    cell = re.search(r'<td class="num">([^<]*)<br><span class="cur2">([^<]*)</span></td>', html)
    assert cell is not None and cell.groups() == (mvnd, other)
    for part in (_page1(html), _appendix(html)):
        assert STATED[lang].format(c=cur) in part
        assert rate in part and day in part
    assert "followme.asia" in _page1(html) if cur == "JPY" else "State Bank of Vietnam central rate" in _page1(html)
    appendix = _appendix(html)
    assert 'data-table="factors-currency2"' in appendix
    assert ("Vietcombank 2025-04-09" if cur == "JPY" else "SBV central rate 2025-03-31") in appendix


def test_no_second_currency_by_default():
    html = render_html(_assessment(), "vi")
    assert 'class="cur2"' not in html and "factors-currency2" not in html


def test_an_unknown_second_currency_is_refused_with_the_choices():
    with pytest.raises(InputError, match=r"no exchange rate for 'EUR'; second currencies: JPY, USD"):
        render_html(_assessment(), "en", currency2="EUR")


def test_assess_refuses_an_unknown_second_currency_before_running(tmp_path):
    from typer.testing import CliRunner

    from greenpark.cli import app

    res = CliRunner().invoke(app, ["assess", str(tmp_path / "no-park"), "--currency2", "EUR"])
    assert res.exit_code == 2
    assert "no exchange rate for 'EUR'; second currencies: JPY, USD" in res.output
