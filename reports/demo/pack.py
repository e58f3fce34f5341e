"""Last month's monthly reporting run, as the PMO's settings make it (reports.runs.run_month):
every approved report of the month, each risk register, and the board packs for each
programme and the portfolio. Asked for once: a run already recorded for the month is left
as it is, so seeding again renders nothing. The documents render once the seed commits, in
process under `make run` (no broker), or on the workers where there are some."""

from ..models import ReportingRun
from ..runs import run_month


def seed(month, stdout):
    if ReportingRun.objects.filter(period=month).exists():
        stdout.write(f"  The monthly run for {month:%B %Y}: already there")
        return None
    run = run_month(month)
    stdout.write(
        f"  The monthly run for {month:%B %Y}: {run.documents.count()} documents, rendered "
        "once the demo is saved"
    )
    return run
