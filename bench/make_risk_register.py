"""Write a large risk register workbook in the layout of the samples, for timing imports.

    python bench/make_risk_register.py 5000 /tmp/register-5000.xlsx

Deterministic: the same row count gives the same workbook.
"""

import random
import sys

from openpyxl import Workbook

PROBABILITY = ["Very Unlikely", "Unlikely", "Likely", "Very Likely"]
IMPACT = ["Low", "Medium", "High", "Severe"]
CATEGORIES = ["Reputational", "Financial", "Operational", "Strategic", "People"]
HEADINGS = [
    "Ref", "Risk", "Category", "Corporate Priority", "Risk Owner", "Portfolio Holder",
    "Tolerance", "Inherent Probability", "Inherent Impact", "Inherent Risk Score",
    "Residual Probability", "Residual Impact", "Residual Risk Score", "Consequences",
    "Current Controls", "Assurance", "Sign Off", "Comments",
]  # fmt: skip


def band(score):
    return "Green" if score <= 4 else "Amber" if score <= 8 else "Red"


def write(rows, path):
    rng = random.Random(1)  # noqa: S311  (test data, repeatable by design)
    book = Workbook()
    sheet = book.active
    sheet.title = "Register"
    sheet.append(["GENERATED RISK REGISTER"])
    sheet.append(["Bench"])
    sheet.append([])
    sheet.append(HEADINGS)
    for k in range(rows):
        ip, ii = rng.randint(2, 4), rng.randint(2, 4)
        rp, ri = rng.randint(1, ip), rng.randint(1, ii)
        sheet.append(
            [
                f"R{k:05d}",
                f"Generated risk number {k} about service delivery and budgets",
                rng.choice(CATEGORIES),
                "Priority A",
                f"Owner {k % 40}",
                "Cllr Holder",
                rng.choice(["Treating", "Tolerate", "Transfer"]),
                f"{ip} {PROBABILITY[ip - 1]}",
                f"{ii} {IMPACT[ii - 1]}",
                f"{ip * ii} {band(ip * ii)}",
                f"{rp} {PROBABILITY[rp - 1]}",
                f"{ri} {IMPACT[ri - 1]}",
                f"{rp * ri} {band(rp * ri)}",
                "Consequences text. " * 20,
                "- Control one - Control two - Control three",
                "Assurance text " * 10,
                "Sign Off Complete",
                "Comment on progress. " * 15,
            ]
        )
    book.save(path)


if __name__ == "__main__":
    write(int(sys.argv[1]), sys.argv[2])
