#!/usr/bin/env python3
"""Reference data for early settlement, investor split and the rounding helper.

Writes tests/data/reference_misc.json. Stdlib only; imports the schedule helpers of
gen_schedules.py from this directory.

(a) Early settlement of an equal-installment loan on date s, every installment due
    before s paid, none overdue:
      quote = outstanding principal after the last paid period
            + round_half_up(interest of the running period * elapsed / days_in_period)
    where the running period starts on the previous due date (the value date for
    period 1), elapsed = days from that start to s, days_in_period = days from that
    start to the running period's due date. A due date equal to s is NOT paid yet, so
    settling exactly on a due date = that installment's total + remaining after it.
    Hand check: 100000 at 12%, 12 months from 2026-01-15, settled 2026-03-01:
    period 1 (due 2026-02-15) paid, outstanding 92115.12, period 2 interest 921.15,
    14 of 28 days elapsed -> 460.575 -> 460.58 (a half-up tie), quote 92575.70.
(b) Investor split by largest remainder, in fen: share_i = floor(X*h_i/H), the leftover
    fen go one each to the largest fractional remainders, ties to the lower index.
(c) round_half_up cases (half away from zero to 0.01).
"""
import json
import os
import sys
from decimal import Decimal, getcontext

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_schedules as g  # noqa: E402

getcontext().prec = 60
OUT = os.path.normpath(os.path.join(HERE, "..", "data", "reference_misc.json"))
CENT = Decimal("0.01")


# ---------------------------------------------------------------- (a) settlement
def settlement(amount, rate, term, start, settle_on, rounding="half-up"):
    rows = g.schedule("equal-installment", amount, rate, term, start, rounding)
    d0 = g.parse_date(start)
    s = g.parse_date(settle_on)
    maturity = rows[-1]["due_date"]
    assert d0 <= s <= maturity, (start, settle_on)
    paid = sum(1 for r in rows if r["due_date"] < s)
    run = rows[paid]  # running period (1-based period = paid + 1)
    p_start = d0 if paid == 0 else rows[paid - 1]["due_date"]
    p_end = run["due_date"]
    outstanding = Decimal(amount) if paid == 0 else rows[paid - 1]["remaining"]
    elapsed = (s - p_start).days
    days = (p_end - p_start).days
    accrued = g.round_half_up(run["interest"] * elapsed / days)
    exact = g.frac(run["interest"]) * elapsed / days
    assert accrued == g.frac_round_half_up(exact)
    quote = outstanding + accrued
    if s == p_end:  # settling on a due date
        assert quote == run["total"] + run["remaining"]
    if s == d0:
        assert accrued == 0 and quote == Decimal(amount)
    return {
        "amount": amount, "rate": rate, "term": term, "start": start, "rounding": rounding,
        "settle_on": settle_on,
        "paid_periods": paid,
        "running_period": run["period"],
        "period_start": p_start.isoformat(),
        "period_due": p_end.isoformat(),
        "days_elapsed": elapsed,
        "days_in_period": days,
        "period_interest": g.fmt(run["interest"]),
        "outstanding_principal": g.fmt(outstanding),
        "accrued_interest": g.fmt(accrued),
        "quote": g.fmt(quote),
        "accrued_is_half_cent_tie": g.is_half_cent_tie(exact),
    }


SETTLEMENTS = [
    # on the value date: no interest, quote = principal
    ("100000.00", "12", 12, "2026-01-15", "2026-01-15", "half-up"),
    # one day after the value date
    ("100000.00", "12", 12, "2026-01-15", "2026-01-16", "half-up"),
    # exactly on the first due date: period 1 not paid yet -> 8884.88 + 92115.12
    ("100000.00", "12", 12, "2026-01-15", "2026-02-15", "half-up"),
    # mid-period in February (non-leap, 28-day period), 14/28 of 921.15 = 460.575 -> 460.58
    ("100000.00", "12", 12, "2026-01-15", "2026-03-01", "half-up"),
    # exactly on the 6th due date: 5 paid
    ("100000.00", "12", 12, "2026-01-15", "2026-07-15", "half-up"),
    # the day before maturity
    ("100000.00", "12", 12, "2026-01-15", "2027-01-14", "half-up"),
    # on the maturity date: quote = last installment
    ("100000.00", "12", 12, "2026-01-15", "2027-01-15", "half-up"),
    # leap-year February, start Jan 31: period 1 is 2028-01-31 .. 2028-02-29 (29 days)
    ("5000.00", "13.99", 36, "2028-01-31", "2028-02-15", "up"),
    # non-leap, start Jan 31: period 2 is 2027-02-28 .. 2027-03-31 (31 days)
    ("100000.00", "24", 24, "2027-01-31", "2027-03-10", "half-up"),
    # mid-February period in a leap year after a clamped due date: 2028-01-31 .. 2028-02-29
    ("1234567.89", "4.35", 360, "2027-01-31", "2028-02-10", "half-up"),
    # long loan, several years in
    ("1234567.89", "4.35", 360, "2027-01-31", "2030-06-17", "half-up"),
    # start on Feb 29, settle mid-March
    ("999.99", "24", 6, "2028-02-29", "2028-03-15", "half-up"),
    # zero rate: no accrued interest
    ("5000.00", "0", 12, "2027-01-31", "2027-05-20", "half-up"),
    # large amount, rounding up
    ("100000000.00", "7.2", 60, "2026-03-30", "2027-02-14", "up"),
]


# ---------------------------------------------------------------- (b) investor split
def to_fen(s):
    v = Decimal(s) * 100
    assert v == v.to_integral_value(), s
    return int(v)


def split(amount, holdings):
    x = to_fen(amount)
    h = [to_fen(v) for v in holdings]
    total = sum(h)
    assert total > 0 and x >= 0
    base = [x * hi // total for hi in h]
    rem = [x * hi % total for hi in h]
    left = x - sum(base)
    assert 0 <= left < len(h)
    order = sorted(range(len(h)), key=lambda i: (-rem[i], i))
    for i in order[:left]:
        base[i] += 1
    assert sum(base) == x
    return ["{:.2f}".format(Decimal(b) / 100) for b in base]


SPLITS = [
    ("0.01", ["1.00", "1.00", "1.00"]),          # one fen, three equal holders -> first
    ("0.02", ["1.00", "1.00", "1.00"]),          # tie -> first two
    ("100.00", ["100.00", "100.00", "100.00"]),  # 33.34 / 33.33 / 33.33
    ("0.05", ["10.00"] * 7),                     # 5 fen among 7 equal -> first five
    ("100.00", ["1.00", "2.00", "3.00"]),        # 16.67 / 33.33 / 50.00
    ("1000.00", ["5000.00", "3000.00", "2000.00"]),  # exact
    ("8884.88", ["60000.00", "25000.00", "15000.00"]),
    ("123.45", ["500.00"]),                      # single holder
    ("10.00", ["3.00", "3.00", "1.00"]),         # ties among the largest remainders
    ("0.00", ["1.00", "2.00"]),                  # nothing to split
    ("50.00", ["100.00", "0.00", "50.00"]),      # a zero holding
    ("1000000.01", ["333.33", "333.33", "333.34"]),
    ("1.00", ["0.01", "0.02", "0.04"]),
    ("7.77", ["12345.67", "0.01", "98765.43", "5000.00", "0.02"]),
    ("0.10", ["1.00", "2.00", "1.00", "2.00", "1.00", "2.00", "1.00"]),
]


# ---------------------------------------------------------------- (c) rounding
ROUNDING = [
    "0.125", "-0.125", "-0.005", "0.005", "0.525", "2.675", "-2.675", "0.004", "-0.004",
    "0.015", "0.025", "0.135", "0.145", "1.005", "99.995", "-99.995",
    "0.0049999999999999999999", "0.00500000000000000000001",
    "-0.0050000000000000000000", "123456789.994999999999", "123456789.995",
    "8884.8788678341707339987831", "0.3449999", "0.0000000000000000000000000001", "5", "-1.5",
    "100000000.005", "0.01", "-0.015", "1234.56789",
]


def round_case(s):
    out = g.round_half_up(Decimal(s))
    if out == 0:
        out = abs(out)  # negative zero is written "0.00"
    return {"input": s, "output": "{:.2f}".format(out)}


def main():
    # Hand checks.
    c = settlement("100000.00", "12", 12, "2026-01-15", "2026-03-01")
    assert (c["outstanding_principal"], c["accrued_interest"], c["quote"]) == (
        "92115.12", "460.58", "92575.70"), c
    c = settlement("100000.00", "12", 12, "2026-01-15", "2026-02-15")
    assert c["quote"] == "101000.00" and c["paid_periods"] == 0, c
    assert split("100.00", ["100.00"] * 3) == ["33.34", "33.33", "33.33"]
    assert split("0.05", ["1"] * 7) == ["0.01"] * 5 + ["0.00"] * 2
    assert split("100.00", ["1", "2", "3"]) == ["16.67", "33.33", "50.00"]
    expected = {"0.125": "0.13", "-0.125": "-0.13", "-0.005": "-0.01", "0.525": "0.53",
                "2.675": "2.68", "0.004": "0.00", "-0.004": "0.00", "0.025": "0.03",
                "99.995": "100.00", "-99.995": "-100.00", "123456789.995": "123456790.00"}
    for k, v in expected.items():
        assert round_case(k)["output"] == v, (k, round_case(k))

    out = {
        "settlement": [settlement(*a) for a in SETTLEMENTS],
        "investor_split": [{"amount": a, "holdings": h, "shares": split(a, h)}
                           for a, h in SPLITS],
        "rounding": [round_case(s) for s in ROUNDING],
    }
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
