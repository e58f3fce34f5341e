from django.db import transaction

import businessplan.demo
import projects.demo
import reports.demo
import risks.demo
from projects import dashboard

from ..seeding import SeedingCommand

# Each app seeds its own part; this command lives in `reports`, the one app that may read
# every other, to compose them. Every user is made first, so a part may name any of them.
SAMPLES = (projects.demo, risks.demo, businessplan.demo)
# Beside the samples, the living demo organisation a newcomer sees on the dashboard.
LIVING = reports.demo


class Command(SeedingCommand):
    help = (
        "Create the demo users, the three sample projects with their reports: SORPv.1 "
        "(August 2011), SIB (November 2011, reported on 7 December) and the CAP programme "
        "(October 2023 – February 2024), a risk register and a business plan; and beside "
        "them a living demo "
        "organisation, Brackenford Borough Council: three programmes and 24 projects with "
        "18 months of reports ending last month, last month in every state, risk registers, "
        "and last month's monthly run with its board packs (rendered once the seed is saved). "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--samples-only",
            action="store_true",
            help="Only the samples, without the living organisation (as tests of them load).",
        )

    @transaction.atomic
    def handle(self, *args, samples_only=False, **options):
        parts = SAMPLES if samples_only else (*SAMPLES, LIVING)
        specs = (spec for part in parts for spec in part.USERS)
        users = projects.demo.seed_users(specs, self.stdout)
        if not samples_only:
            # Before anything is approved: a document's fingerprint holds the letterhead.
            LIVING.name_the_organisation(self.stdout)
        for part in parts:
            part.seed(users, self.stdout)
        dashboard.portfolio_changed()  # some of the above are bulk writes, which send no signal
