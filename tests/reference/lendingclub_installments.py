#!/usr/bin/env python3
"""Check the stated installment of every LendingClub row against the level-payment rule.

Rule: installment = P*r*(1+r)^n/((1+r)^n-1) with r = rate/100/12, rounded UP
(ceiling) to the cent, P = loan_amount (OpenIntro) or funded_amnt (native export).

Writes tests/data/reference_lendingclub.json. Stdlib only (decimal, csv, json);
imports the helpers of gen_schedules.py from this directory.

Findings (reproduced and re-derived by the code below, not hard-coded):
  * OpenIntro sample: 3 of 10,000 rows disagree. They are the only rows with
    interest_rate exactly 6. Their stated installment is not the level payment of
    loan_amount at 6% (nor at any rate that is a whole number of hundredths), but
    it IS exactly the 6% level payment of the row's current `balance` over the
    remaining months (term minus the payments already made), i.e. the loan was
    re-amortised after its rate was lowered to 6% some time after issue; the rows of
    the same sub_grade and issue month carry a much higher rate.
  * Native sample: 7 of 1,000 rows (all issued 2009-2010) disagree by 1-3 cents.
    The stated installment is reproduced by a rate a few thousandths of a point
    away from int_rate that still rounds to int_rate at 2 decimals, i.e. the
    export shows the rate rounded to 2 decimals while the installment was computed
    from the unrounded rate.
"""
import collections
import csv
import json
import os
import sys
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_schedules as g  # noqa: E402

DATA = os.path.normpath(os.path.join(HERE, "..", "data"))
OPENINTRO = os.path.join(DATA, "lendingclub-2018q1-openintro.csv")
NATIVE = os.path.join(DATA, "lendingclub-native-sample.csv")
OUT = os.path.join(DATA, "reference_lendingclub.json")

CENT = Decimal("0.01")
MONTHS = {m: i for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def money(s):
    return g.fmt(Decimal(s).quantize(CENT))


def read_rows(path):
    """Yields (physical line number of the row's last line, row dict)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rd = csv.reader(fh)
        header = next(rd)
        for rec in rd:
            yield rd.line_num, dict(zip(header, rec))


def rate_interval(amount, term, stated):
    """Open/closed interval (lo, hi] of annual rates whose level payment rounds UP to stated."""
    def solve(target):
        lo, hi = Decimal("0.000001"), Decimal(100)
        for _ in range(120):
            mid = (lo + hi) / 2
            if g.level_payment_exact(amount, mid, term) < target:
                lo = mid
            else:
                hi = mid
        return hi
    return solve(stated - CENT), solve(stated)


def hundredth_rates(amount, term, stated):
    """Rates with 2 decimals in (0, 40] that reproduce stated with the ceiling rule."""
    lo, hi = rate_interval(amount, term, stated)
    out = []
    c = (lo * 100).to_integral_value(rounding="ROUND_FLOOR")
    while c <= hi * 100:
        r = c / Decimal(100)
        if r > 0 and g.level_payment(amount, r, term, "up") == stated:
            out.append(str(r))
        c += 1
    return out


def check_openintro():
    rows = list(read_rows(OPENINTRO))
    peers = collections.defaultdict(collections.Counter)
    for _, d in rows:
        peers[(d["sub_grade"], d["issue_month"])][d["interest_rate"]] += 1
    rate_counts = collections.Counter(d["interest_rate"] for _, d in rows)
    n_up = n_half = 0
    mismatches = []
    for line, d in rows:
        amount, term, rate = Decimal(d["loan_amount"]), int(d["term"]), d["interest_rate"]
        stated = Decimal(d["installment"])
        up = g.level_payment(amount, rate, term, "up")
        half = g.level_payment(amount, rate, term, "half-up")
        n_up += up == stated
        n_half += half == stated
        if up == stated:
            continue
        mismatches.append(explain_openintro(line, d, stated, up, half, peers, rate_counts))
    return len(rows), n_up, n_half, mismatches


def explain_openintro(line, d, stated, up, half, peers, rate_counts):
    amount, term, rate = Decimal(d["loan_amount"]), int(d["term"]), d["interest_rate"]
    balance = Decimal(d["balance"])
    parts = []
    parts.append("At interest_rate {}% on loan_amount {} over {} months the level payment is "
                 "{} (up) / {} (half-up), not the stated {}.".format(
                     rate, money(amount), term, g.fmt(up), g.fmt(half), g.fmt(stated)))
    hits = hundredth_rates(amount, term, stated)
    lo, hi = rate_interval(amount, term, stated)
    if hits:
        parts.append("Rates reproducing the stated installment on loan_amount: {}.".format(
            ", ".join(hits)))
    else:
        parts.append("No rate with 2 decimals reproduces it on loan_amount over {} months "
                     "(it would need a rate in ({:.4f}, {:.4f}]%).".format(term, lo, hi))
    # Re-amortisation of the current balance over the remaining months.
    reamort = [m for m in range(1, term + 1)
               if g.level_payment(balance, rate, m, "up") == stated]
    if reamort:
        m = reamort[0]
        paid = term - m
        parts.append("It is exactly the level payment at {}% of the row's balance {} over the "
                     "remaining {} months (= {} - {} payments made; up and half-up give {} / {}), "
                     "consistent with a re-amortisation of the outstanding balance after the rate "
                     "was set to {}%.".format(rate, g.fmt(balance), m, term, paid,
                                          g.fmt(g.level_payment(balance, rate, m, "up")),
                                          g.fmt(g.level_payment(balance, rate, m, "half-up")),
                                          rate))
        parts.append("balance + paid_principal = {} + {} = {} = loan_amount.".format(
            g.fmt(balance), money(d["paid_principal"]),
            g.fmt(balance + Decimal(d["paid_principal"]))))
    pc = peers[(d["sub_grade"], d["issue_month"])].copy()
    pc[rate] -= 1
    pc = +pc
    if pc:
        modal = pc.most_common(1)[0][0]
        orig = g.level_payment(amount, modal, term, "up")
        parts.append("Other {} loans issued {} carry {}; at {}% the original installment "
                     "would have been {}.".format(
                         d["sub_grade"], d["issue_month"],
                         ", ".join("{}% ({} rows)".format(k, v) for k, v in pc.most_common()),
                         modal, g.fmt(orig)))
        # Interest actually paid versus the original-rate schedule.
        # Re-amortisation right after k payments of the original schedule?
        s = g.schedule("equal-installment", amount, modal, term, "2018-01-01", "up")
        for r in s[:6]:
            k = r["period"]
            if g.level_payment(r["remaining"], rate, term - k, "up") == stated:
                parts.append("Also: after {} payment(s) of {} at {}% the balance is {}, and its "
                             "{}% level payment over the remaining {} months is exactly the "
                             "stated {}.".format(k, g.fmt(orig), modal, g.fmt(r["remaining"]),
                                                 rate, term - k, g.fmt(stated)))
                break
        cum, k_list = Decimal(0), []
        for r in s[:6]:
            cum += r["interest"]
            k_list.append("{}:{}".format(r["period"], g.fmt(cum)))
        parts.append("paid_interest {} (cumulative scheduled interest at {}% after k payments: "
                     "{}).".format(money(d["paid_interest"]), modal, ", ".join(k_list)))
    parts.append("interest_rate is exactly {} on {} of 10,000 rows. emp_title '{}', grade {} {}, "
                 "issue {}, loan_status {}. A flat 6% is the cap of the US Servicemembers Civil "
                 "Relief Act, which would fit a rate lowered after issue (not provable from the "
                 "data).".format(rate, rate_counts[rate], d["emp_title"].strip(), d["grade"],
                                 d["sub_grade"], d["issue_month"], d["loan_status"]))
    return {
        "line": line,
        "row_number": int(d[""]),
        "loan_amount": money(amount),
        "term": term,
        "interest_rate": rate,
        "stated": g.fmt(stated),
        "computed_up": g.fmt(up),
        "computed_half_up": g.fmt(half),
        "grade": d["grade"],
        "sub_grade": d["sub_grade"],
        "issue_month": d["issue_month"],
        "loan_status": d["loan_status"],
        "balance": g.fmt(balance),
        "paid_principal": money(d["paid_principal"]),
        "paid_interest": money(d["paid_interest"]),
        "explanation": " ".join(parts),
    }


def check_native():
    rows = list(read_rows(NATIVE))
    n_up = n_half = 0
    mismatches = []
    for line, d in rows:
        amount = Decimal(d["funded_amnt"])
        term = int(d["term"].strip().split()[0])
        rate = d["int_rate"].strip()
        stated = Decimal(d["installment"])
        up = g.level_payment(amount, rate, term, "up")
        half = g.level_payment(amount, rate, term, "half-up")
        n_up += up == stated
        n_half += half == stated
        if up == stated:
            continue
        lo, hi = rate_interval(amount, term, stated)
        rd = Decimal(rate)
        disp_lo, disp_hi = rd - Decimal("0.005"), rd + Decimal("0.005")
        overlap = max(lo, disp_lo) < min(hi, disp_hi)
        exact = g.level_payment_exact(amount, rate, term).quantize(Decimal("0.000001"))
        parts = ["At int_rate {}% on funded_amnt {} over {} months the level payment is {} "
                 "unrounded: {} up / {} half-up; stated {} (stated minus up = {}).".format(
                     rate, money(amount), term, exact, g.fmt(up), g.fmt(half), g.fmt(stated),
                     g.fmt(stated - up))]
        parts.append("The ceiling rule reproduces the stated installment for any annual rate in "
                     "({:.4f}, {:.4f}]%{}.".format(
                         lo, hi,
                         ", which overlaps [{}, {})%, the rates that display as {} at 2 decimals"
                         .format(disp_lo, disp_hi, rate) if overlap else
                         ", which does NOT overlap the rates displaying as {}".format(rate)))
        if half == stated:
            parts.append("Half-up rounding at the displayed rate also gives the stated value.")
        if overlap:
            parts.append("Consistent with an installment computed from an unrounded rate (more than 2 "
                         "decimals) and the export shows the rate rounded to 2 decimals; "
                         "issued {} (early LendingClub loan).".format(d["issue_d"]))
        if d["loan_amnt"] != d["funded_amnt"]:
            parts.append("loan_amnt {} differs from funded_amnt.".format(money(d["loan_amnt"])))
        if d["funded_amnt_inv"] != d["funded_amnt"]:
            parts.append("funded_amnt_inv {} would give {} (not it).".format(
                d["funded_amnt_inv"], g.fmt(g.level_payment(d["funded_amnt_inv"], rate, term, "up"))))
        if d["last_pymnt_amnt"] and Decimal(d["last_pymnt_amnt"]) == stated:
            parts.append("last_pymnt_amnt {} equals the stated installment (the borrower was "
                         "billed that amount).".format(d["last_pymnt_amnt"]))
        parts.append("loan_status {}, grade {}, total_rec_int {}, last_pymnt_d {}.".format(
            d["loan_status"], d["sub_grade"], d["total_rec_int"], d["last_pymnt_d"]))
        mismatches.append({
            "line": line,
            "id": d["id"],
            "funded_amnt": money(amount),
            "loan_amnt": money(d["loan_amnt"]),
            "term": term,
            "int_rate": rate,
            "stated": g.fmt(stated),
            "computed_up": g.fmt(up),
            "computed_half_up": g.fmt(half),
            "issue_d": d["issue_d"],
            "loan_status": d["loan_status"],
            "rate_interval_reproducing_stated": ["{:.4f}".format(lo), "{:.4f}".format(hi)],
            "explanation": " ".join(parts),
        })
    return len(rows), n_up, n_half, mismatches


def main():
    n, n_up, n_half, mism = check_openintro()
    nn, nn_up, nn_half, nmism = check_native()
    assert n == 10000 and len(mism) == 3, (n, len(mism))
    out = {
        "rule": "level payment on loan_amount (native: funded_amnt), rate/100/12, rounded up "
                "to the cent",
        "rows_checked": n,
        "rows_matching_up": n_up,
        "rows_matching_half_up": n_half,
        "mismatches": mism,
        "native_rows_checked": nn,
        "native_rows_matching_up": nn_up,
        "native_rows_matching_half_up": nn_half,
        "native_mismatches": nmism,
    }
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    print("openintro: {} rows, {} match up, {} match half-up, {} mismatches".format(
        n, n_up, n_half, len(mism)))
    print("native: {} rows, {} match up, {} match half-up, {} mismatches".format(
        nn, nn_up, nn_half, len(nmism)))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
