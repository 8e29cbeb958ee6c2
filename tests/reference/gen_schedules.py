#!/usr/bin/env python3
"""Independent reference schedules computed with Python's decimal module.

Writes tests/data/reference_schedules.json (relative to the repository root).
Stdlib only; cross-checks level payments against `bc -l` when bc is present.

Rules (all money in yuan, 2 decimals; 1 fen = 0.01):
  r = R/100/12 (R is the annual rate in percent).
  equal-installment: A = P*r*(1+r)^n/((1+r)^n-1) (A = P/n when r = 0),
      rounded once (half-up, or ceiling to the cent for rounding="up").
      interest_k = round_half_up(outstanding*r); principal_k = min(A - interest_k,
      outstanding); the last period pays all remaining outstanding.
  equal-principal: principal_k = min(round_half_up(P/n), outstanding),
      interest_k = round_half_up(outstanding*r); last period pays the rest.
  interest-first: interest = round_half_up(P*r) every period, principal only
      in the last period.
  bullet: one row due n months after the value date, principal P,
      interest = round_half_up(P*(R/100)*n/12).
  due date k = start + k months, same day of month, clamped to month end,
      always computed from the start date.

Hand checks:
  * interest-first 100000 at 12%: r = 0.01, 100000 * 0.01 = 1000.00 per month,
    12 * 1000 = 12000.00 interest in total.
  * bullet 100000 at 12% for 12 months: 100000 * 0.12 * 12/12 = 12000.00.
  * equal-installment 100000 at 12% for 12 months: 1.01^12 = 1.126825030131969720661201,
    A = 100000 * 0.01 * 1.1268250301... / 0.1268250301... = 8884.878867949...
    -> 8884.88; first interest = 100000 * 0.01 = 1000.00, first principal 7884.88,
    remaining 92115.12; second interest = 921.1512 -> 921.15.
  * equal-principal 100000 at 12% for 12 months: principal 8333.33 each period,
    last period 100000 - 11 * 8333.33 = 8333.37; first interest 1000.00.
  * equal-installment 5000 at 0% for 12 months: A = 416.666... -> 416.67,
    last principal = 5000 - 11 * 416.67 = 416.63.
"""
import calendar
import datetime as dt
import json
import math
import os
import shutil
import subprocess
from decimal import Decimal, getcontext, ROUND_HALF_UP, ROUND_CEILING
from fractions import Fraction

getcontext().prec = 60

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_half_up(x):
    """Half away from zero to 0.01 (Python's ROUND_HALF_UP is away from zero)."""
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


def round_up(x):
    """Ceiling to the cent (amounts here are never negative)."""
    return Decimal(x).quantize(CENT, rounding=ROUND_CEILING)


def monthly_rate(rate):
    return Decimal(rate) / Decimal(100) / Decimal(12)


def month_interest(outstanding, rate):
    """round_half_up(outstanding * r), computed as outstanding * R / 1200 so that an
    exact half-cent (e.g. 4188.60 at 10% = 34.905) is seen exactly: the product is
    exact and only one division is rounded (at 60 digits)."""
    return round_half_up(Decimal(outstanding) * Decimal(rate) / Decimal(1200))


# ---- exact rational arithmetic, used to verify every rounding made with Decimal ----
def frac(x):
    return Fraction(Decimal(x))


def frac_round_half_up(x):
    """Half away from zero to the cent, exact; returns a Decimal."""
    q = x * 100
    sign = -1 if q < 0 else 1
    n = math.floor(abs(q) + Fraction(1, 2))
    return Decimal(sign * n) / 100 if n else Decimal("0.00")


def frac_round_up(x):
    n = math.ceil(x * 100)
    return (Decimal(n) / 100).quantize(CENT)


def is_half_cent_tie(x):
    return (x * 100).denominator == 2


def level_payment_fraction(amount, rate, term):
    p, r, n = frac(amount), frac(rate) / 1200, int(term)
    if r == 0:
        return p / n
    f = (1 + r) ** n
    return p * r * f / (f - 1)


def level_payment_exact(amount, rate, term):
    """Unrounded level payment."""
    p = Decimal(amount)
    r = monthly_rate(rate)
    n = int(term)
    if r == 0:
        return p / Decimal(n)
    f = (1 + r) ** n
    return p * r * f / (f - 1)


def level_payment(amount, rate, term, rounding="half-up"):
    """Rounded level payment; the Decimal result is checked against exact rationals."""
    a = level_payment_exact(amount, rate, term)
    x = level_payment_fraction(amount, rate, term)
    if rounding == "half-up":
        out, check = round_half_up(a), frac_round_half_up(x)
    elif rounding == "up":
        out, check = round_up(a), frac_round_up(x)
    else:
        raise ValueError(rounding)
    assert out == check, (amount, rate, term, rounding, out, check)
    return out


def add_months(start, k):
    """start + k months, keeping start's day, clamped to the month's last day."""
    m0 = start.month - 1 + k
    y = start.year + m0 // 12
    m = m0 % 12 + 1
    d = min(start.day, calendar.monthrange(y, m)[1])
    return dt.date(y, m, d)


def parse_date(s):
    return dt.date.fromisoformat(s)


def fmt(x):
    q = Decimal(x).quantize(CENT)
    assert q == Decimal(x), x
    return "{:.2f}".format(q)


def schedule(method, amount, rate, term, start, rounding="half-up", ties=None):
    """Returns a list of row dicts with Decimal values and date objects.

    Every rounded amount is also computed from exact rationals and compared; if
    `ties` is a list, exact half-cent ties are appended to it as (period, field, value).
    """
    p = Decimal(amount)
    assert p == p.quantize(CENT)
    n = int(term)
    d0 = parse_date(start)
    rate_f = frac(rate)

    def checked(dec_value, exact, period, field):
        assert dec_value == frac_round_half_up(exact), (method, amount, rate, period, field)
        if ties is not None and is_half_cent_tie(exact):
            ties.append((period, field, exact))
        return dec_value

    rows = []
    if method == "bullet":
        interest = checked(round_half_up(p * Decimal(rate) * n / Decimal(1200)),
                           frac(p) * rate_f * n / 1200, 1, "interest")
        rows.append(dict(period=1, due_date=add_months(d0, n), principal=p,
                         interest=interest, total=p + interest, remaining=ZERO))
        return rows
    outstanding = p
    if method == "equal-installment":
        a = level_payment(p, rate, n, rounding)
    elif method == "equal-principal":
        each = checked(round_half_up(p / n), frac(p) / n, 0, "principal_each")
    elif method == "interest-first":
        flat_interest = checked(month_interest(p, rate), frac(p) * rate_f / 1200, 0,
                                "interest_each")
    else:
        raise ValueError(method)
    for k in range(1, n + 1):
        last = k == n
        if method == "equal-installment":
            interest = checked(month_interest(outstanding, rate),
                               frac(outstanding) * rate_f / 1200, k, "interest")
            principal = outstanding if last else min(a - interest, outstanding)
        elif method == "equal-principal":
            interest = checked(month_interest(outstanding, rate),
                               frac(outstanding) * rate_f / 1200, k, "interest")
            principal = outstanding if last else min(each, outstanding)
        else:  # interest-first
            interest = flat_interest
            principal = p if last else ZERO
        assert principal >= 0 and interest >= 0
        outstanding -= principal
        rows.append(dict(period=k, due_date=add_months(d0, k), principal=principal,
                         interest=interest, total=principal + interest,
                         remaining=outstanding))
    assert outstanding == 0
    return rows


def rows_json(rows):
    return [dict(period=r["period"], due_date=r["due_date"].isoformat(),
                 principal=fmt(r["principal"]), interest=fmt(r["interest"]),
                 total=fmt(r["total"]), remaining=fmt(r["remaining"])) for r in rows]


def totals_json(rows):
    tp = sum((r["principal"] for r in rows), ZERO)
    ti = sum((r["interest"] for r in rows), ZERO)
    tt = sum((r["total"] for r in rows), ZERO)
    assert tp + ti == tt
    return dict(principal=fmt(tp), interest=fmt(ti), total=fmt(tt))


def bc_level_payment(amount, rate, term):
    """Level payment computed by bc -l with scale=40."""
    prog = ("scale=40\n"
            "p={p}\nr={rate}/1200\nn={n}\n"
            "f=(1+r)^n\n"
            "p*r*f/(f-1)\n").format(p=amount, rate=rate, n=term)
    env = dict(os.environ, BC_LINE_LENGTH="0")
    out = subprocess.run(["bc", "-l"], input=prog, capture_output=True, text=True,
                         env=env, check=True).stdout
    return Decimal(out.strip().replace("\\\n", ""))


# (name, method, amount, rate, term, start, rounding)
CASES = [
    ("ei-classic-100000-12pct-12m", "equal-installment", "100000.00", "12", 12, "2026-01-15", "half-up"),
    ("ei-100000-12pct-12m-up", "equal-installment", "100000.00", "12", 12, "2026-01-15", "up"),
    ("ei-1234567.89-4.35pct-360m-jan31-nonleap", "equal-installment", "1234567.89", "4.35", 360, "2027-01-31", "half-up"),
    ("ei-1234567.89-4.35pct-360m-jan31-leap-up", "equal-installment", "1234567.89", "4.35", 360, "2028-01-31", "up"),
    ("ei-5000-13.99pct-36m-jan31-leap-up", "equal-installment", "5000.00", "13.99", 36, "2028-01-31", "up"),
    ("ei-999.99-24pct-6m-feb29", "equal-installment", "999.99", "24", 6, "2028-02-29", "half-up"),
    ("ei-100000000-7.2pct-60m-30th", "equal-installment", "100000000.00", "7.2", 60, "2026-03-30", "half-up"),
    ("ei-100000000-7.2pct-60m-30th-up", "equal-installment", "100000000.00", "7.2", 60, "2026-03-30", "up"),
    ("ei-1-36pct-3m", "equal-installment", "1.00", "36", 3, "2026-05-10", "half-up"),
    ("ei-0.01-12pct-12m", "equal-installment", "0.01", "12", 12, "2026-01-15", "half-up"),
    ("ei-0.01-12pct-12m-up", "equal-installment", "0.01", "12", 12, "2026-01-15", "up"),
    ("ei-5000-0pct-12m-jan31-nonleap", "equal-installment", "5000.00", "0", 12, "2027-01-31", "half-up"),
    ("ei-1000-0pct-3m-up", "equal-installment", "1000.00", "0", 3, "2026-04-20", "up"),
    ("ei-100000-10pct-1m-dec31", "equal-installment", "100000.00", "10", 1, "2027-12-31", "half-up"),
    ("ei-100000-24pct-24m-30th", "equal-installment", "100000.00", "24", 24, "2026-01-30", "half-up"),
    ("ei-5000-10pct-60m-dec31-up", "equal-installment", "5000.00", "10", 60, "2026-12-31", "up"),
    ("ei-999.99-36pct-36m-jan31-nonleap", "equal-installment", "999.99", "36", 36, "2027-01-31", "half-up"),
    ("ep-100000-12pct-12m", "equal-principal", "100000.00", "12", 12, "2026-01-15", "half-up"),
    ("ep-1234567.89-4.35pct-360m-jan31-leap", "equal-principal", "1234567.89", "4.35", 360, "2028-01-31", "half-up"),
    ("ep-999.99-7.2pct-24m-jan31-nonleap", "equal-principal", "999.99", "7.2", 24, "2027-01-31", "half-up"),
    ("ep-0.01-10pct-3m-30th", "equal-principal", "0.01", "10", 3, "2026-06-30", "half-up"),
    ("ep-100000000-13.99pct-60m-feb29", "equal-principal", "100000000.00", "13.99", 60, "2028-02-29", "half-up"),
    ("ep-5000-0pct-6m-31st", "equal-principal", "5000.00", "0", 6, "2026-08-31", "half-up"),
    ("if-100000-12pct-12m", "interest-first", "100000.00", "12", 12, "2026-01-15", "half-up"),
    ("if-1234567.89-13.99pct-36m-jan31-nonleap", "interest-first", "1234567.89", "13.99", 36, "2027-01-31", "half-up"),
    ("if-999.99-36pct-6m-jan31-leap", "interest-first", "999.99", "36", 6, "2028-01-31", "half-up"),
    ("if-0.01-24pct-3m-30th", "interest-first", "0.01", "24", 3, "2026-03-30", "half-up"),
    ("if-100000000-4.35pct-60m-31st", "interest-first", "100000000.00", "4.35", 60, "2026-10-31", "half-up"),
    ("bullet-100000-12pct-12m", "bullet", "100000.00", "12", 12, "2026-01-15", "half-up"),
    ("bullet-5000-7.2pct-6m-feb29", "bullet", "5000.00", "7.2", 6, "2028-02-29", "half-up"),
    ("bullet-1234567.89-13.99pct-3m-nov30-to-feb29", "bullet", "1234567.89", "13.99", 3, "2027-11-30", "half-up"),
    ("bullet-1-36pct-1m-jan31-leap", "bullet", "1.00", "36", 1, "2028-01-31", "half-up"),
    ("bullet-999.99-0pct-24m", "bullet", "999.99", "0", 24, "2026-07-01", "half-up"),
    ("bullet-100000000-10pct-360m", "bullet", "100000000.00", "10", 360, "2026-02-28", "half-up"),
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_path = os.path.normpath(os.path.join(here, "..", "data", "reference_schedules.json"))

    # Classic case.
    assert level_payment("100000.00", "12", 12) == Decimal("8884.88")
    assert level_payment("100000.00", "12", 12, "up") == Decimal("8884.88")
    # Hand-checked values (see module docstring).
    s = schedule("interest-first", "100000.00", "12", 12, "2026-01-15")
    assert all(r["interest"] == Decimal("1000.00") for r in s)
    s = schedule("equal-installment", "100000.00", "12", 12, "2026-01-15")
    assert (s[0]["interest"], s[0]["principal"], s[0]["remaining"]) == (
        Decimal("1000.00"), Decimal("7884.88"), Decimal("92115.12"))
    assert s[1]["interest"] == Decimal("921.15")
    s = schedule("equal-principal", "100000.00", "12", 12, "2026-01-15")
    assert s[0]["principal"] == Decimal("8333.33") and s[-1]["principal"] == Decimal("8333.37")
    s = schedule("equal-installment", "5000.00", "0", 12, "2027-01-31")
    assert s[-1]["principal"] == Decimal("416.63")
    # Date clamping.
    d = parse_date("2028-01-31")
    assert [add_months(d, k).isoformat() for k in range(1, 5)] == [
        "2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31"]
    d = parse_date("2027-01-31")
    assert [add_months(d, k).isoformat() for k in range(1, 4)] == [
        "2027-02-28", "2027-03-31", "2027-04-30"]
    assert add_months(parse_date("2028-02-29"), 12).isoformat() == "2029-02-28"
    assert add_months(parse_date("2028-02-29"), 1).isoformat() == "2028-03-29"

    # Cross-check unrounded level payments with bc.
    bc_checked = 0
    if shutil.which("bc"):
        for name, method, amount, rate, term, start, rounding in CASES:
            if method != "equal-installment" or Decimal(rate) == 0:
                continue
            ours = level_payment_exact(amount, rate, term)
            theirs = bc_level_payment(amount, rate, term)
            diff = abs(ours - theirs)
            assert diff < Decimal("1e-20"), (name, ours, theirs)
            bc_checked += 1
        assert bc_checked >= 5
    else:
        print("warning: bc not found, skipping cross-check")

    out = []
    for name, method, amount, rate, term, start, rounding in CASES:
        ties = []
        rows = schedule(method, amount, rate, term, start, rounding, ties)
        case = dict(name=name, method=method, amount=amount, rate=rate, term=term,
                    start=start, rounding=rounding)
        if method == "equal-installment":
            case["level_payment"] = fmt(level_payment(amount, rate, term, rounding))
        case["rows"] = rows_json(rows)
        case["totals"] = totals_json(rows)
        if ties:
            # Exact half-cent values rounded here; an implementation that rounds
            # r = R/1200 to finite precision before multiplying can get these wrong.
            case["half_cent_ties"] = [
                dict(period=k, field=f, exact=str(Decimal(x.numerator) / Decimal(x.denominator)))
                for k, f, x in ties]
        assert case["totals"]["principal"] == fmt(Decimal(amount))
        out.append(case)
    assert len(out) >= 24
    with open(out_path, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    print("wrote {} cases to {} (bc cross-checked {} level payments)".format(
        len(out), out_path, bc_checked))


if __name__ == "__main__":
    main()
