from django.core.management.base import BaseCommand
from django.db import transaction

import businessplan.demo
import projects.demo
import risks.demo
from projects import dashboard

# Each app seeds its own part; this command lives in `reports`, the one app that may read
# every other, to compose them. Every user is made first, so a part may name any of them.
PARTS = (projects.demo, risks.demo, businessplan.demo)


class Command(BaseCommand):
    help = (
        "Create the demo users, the three sample projects with their reports: SORPv.1 "
        "(August 2011), SIB (November 2011, reported on 7 December) and the CAP programme "
        "(October 2023 – February 2024), a risk register and a business plan. Running it "
        "again changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        users = projects.demo.seed_users(spec for part in PARTS for spec in part.USERS)
        for part in PARTS:
            part.seed(users, self.stdout)
        dashboard.portfolio_changed()  # some of the above are bulk writes, which send no signal
