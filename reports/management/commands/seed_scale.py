"""Scale data for benchmarks: a large organisation's portfolio, deterministic for a seed.

    python manage.py seed_scale --projects 1000 --months 24 --risks-per-project 5 \
        --activities 2000 --seed 1

Programmes of 5–30 projects; a report every month for every project with all sections
filled and RAG spread as real portfolios are (mostly Green, some Amber, a few Red); the
latest month's reports approved with their frozen snapshots (so board packs have them);
a register per project with reviewed risks; a business plan with quarterly updates. All
loaded with bulk inserts (no history rows: this is test data, not anyone's work).
"""

import datetime
import random
import time

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from businessplan.models import (
    Activity,
    ActivityUpdate,
    BusinessPlan,
    OwnerRole,
    Section,
    StrategicAim,
)
from projects.access import DIRECTORS, PMO
from projects.dashboard import portfolio_changed
from projects.models import (
    Concern,
    HighlightReport,
    Project,
    RagDimension,
    RagRating,
    RagStatus,
    User,
)
from projects.periods import add_months, month_end, parse_month
from reports.kinds import fingerprint, get_kind
from reports.models import Document, params_key
from risks.models import Risk, RiskCategory, RiskMatrix, RiskRegister, RiskReview

from ...scale_data import clear_scale_data, sign_in
from ..seeding import SeedingCommand

PREFIX = "SC"  # every generated code starts so, to find (and replace) them again
LOREM = (
    "Work continued with partners on the agreed plan. The team met its milestones for the "
    "month and prepared the next stage, with the budget holding and risks reviewed."
)
CONCERN, COUNTERMEASURE = "Supplier capacity is tight", "A second supplier is lined up"
BULLETS = "\n".join(f"- Milestone {i}: delivered and signed off by the board" for i in range(1, 5))


class Command(SeedingCommand):
    help = __doc__.split("\n\n")[0]

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=100)
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--risks-per-project", type=int, default=5)
        parser.add_argument("--activities", type=int, default=500)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--last-month", default="2024-12", help="YYYY-MM, the newest")
        parser.add_argument(
            "--month-end",
            action="store_true",
            help="The newest month is being reported: half its reports drafts, a quarter "
            "awaiting their sponsor, a quarter approved, and no documents made of it yet.",
        )
        parser.add_argument(
            "--password", default="", help="Everyone can sign in with it (`make soak`)."
        )
        parser.add_argument(
            "--totp-secret",
            default="",
            help="Base32: the authenticator app of everyone MFA_REQUIRED_FOR names.",
        )

    @transaction.atomic
    def handle(self, *args, projects, months, risks_per_project, activities, seed, **options):
        started = time.perf_counter()
        self.random = random.Random(seed)  # noqa: S311 (test data, repeatable by design)  # nosec B311
        self.month_end = options["month_end"]
        self.clear()
        last = parse_month(options["last_month"])
        people = self.people(projects)
        portfolio = self.portfolio(projects, people)
        reports = self.reports(portfolio, months, last, people)
        self.snapshots(last)
        if options["password"]:
            sign_in(options["password"], options["totp_secret"])
        risk_count = self.risks(portfolio, risks_per_project, people)
        activity_count = self.plan(activities, people)
        portfolio_changed()  # bulk writes send no signals
        if connection.vendor == "postgresql":
            # Fresh planner statistics, as autovacuum would give a live database in time;
            # without them timings after a bulk load measure a misinformed planner.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"Seeded {len(portfolio)} projects and programmes, {reports} reports, "
            f"{risk_count} risks, {activity_count} activities in "
            f"{time.perf_counter() - started:.1f} s."
        )

    def clear(self):
        clear_scale_data(PREFIX)

    def people(self, projects):
        count = max(10, projects // 4)
        User.objects.bulk_create(
            [
                User(
                    username=f"sc.user{i}",
                    first_name="Scale",
                    last_name=f"Person {i}",
                    job_title=self.random.choice(
                        ["Project Manager", "Head of Service", "Director"]
                    ),
                    email=f"sc.user{i}@example.org",
                )
                for i in range(count)
            ],
            ignore_conflicts=True,
        )
        people = list(User.objects.filter(username__startswith="sc.user").order_by("pk"))
        Group.objects.get(name=DIRECTORS).user_set.add(people[0])
        # The PMO runs the month (`make soak`); it manages and sponsors nothing.
        pmo, _ = User.objects.get_or_create(
            username="sc.pmo",
            defaults={"first_name": "Scale", "last_name": "PMO", "email": "sc.pmo@example.org"},
        )
        Group.objects.get(name=PMO).user_set.add(pmo)
        return people

    def portfolio(self, projects, people):
        rows, made, number = [], 0, 0
        while made < projects:
            size = min(self.random.randint(5, 30), projects - made)
            number += 1
            programme = Project(
                code=f"{PREFIX}P{number}",
                name=f"Programme {number}",
                kind="programme",
                sponsor=self.random.choice(people),
                manager=self.random.choice(people),
            )
            rows.append((programme, size))
            made += size
        Project.objects.bulk_create([p for p, _ in rows])
        children = []
        for programme, size in rows:
            for i in range(size):
                children.append(
                    Project(
                        code=f"{programme.code}.{i + 1}",
                        name=f"{programme.name} project {i + 1}",
                        kind="project",
                        parent=programme,
                        sponsor=self.random.choice(people),
                        manager=self.random.choice(people),
                        benefits=LOREM,
                        objectives=BULLETS,
                        approach=LOREM,
                        start=datetime.date(2022, 1, 1),
                    )
                )
        Project.objects.bulk_create(children, batch_size=2000)
        return [p for p, _ in rows] + children

    def reports(self, portfolio, months, last, people):
        first = add_months(last, -(months - 1))
        reports = []
        for project in portfolio:
            for m in range(months):
                start = add_months(first, m)
                latest = m == months - 1
                status = self.status(latest)
                reports.append(
                    HighlightReport(
                        project=project,
                        period_start=start,
                        period_end=month_end(start),
                        report_date=month_end(start),
                        status=status,
                        status_word="On Track",
                        percent_complete=min(100, 4 * (m + 1)),
                        summary=LOREM,
                        achievements=BULLETS,
                        next_period=BULLETS,
                        planned_this_period=BULLETS,
                        issues=LOREM,
                        risks_narrative=LOREM,
                        decisions_required="Approve the next stage." if m % 4 == 0 else "",
                        governance=LOREM,
                        communication=LOREM,
                        approved_by=project.sponsor if status == "approved" else None,
                        approved_at=timezone.now() if status == "approved" else None,
                        first_submitted_at=timezone.now() if status != "draft" else None,
                    )
                )
        HighlightReport.objects.bulk_create(reports, batch_size=2000)
        RagRating.objects.bulk_create(self.ratings(reports), batch_size=5000)
        Concern.objects.bulk_create(
            [Concern(report=r, concern=CONCERN, countermeasure=COUNTERMEASURE) for r in reports],
            batch_size=5000,
        )
        return len(reports)

    def status(self, latest):
        """Every month but the newest is approved; the newest as the month stands."""
        if not latest:
            return "approved"  # no roll: the same seed gives the same data as it always has
        roll = self.random.random()
        if self.month_end:
            return "draft" if roll < 0.5 else "submitted" if roll < 0.75 else "approved"
        return "approved" if roll < 0.8 else "draft"

    def ratings(self, reports):
        """As portfolios behave: a project's RAG holds from month to month and moves now and
        then, its dimensions mostly agreeing (so a board pack's exceptions are a share of
        the portfolio, not nearly all of it)."""
        dimensions = list(RagDimension.objects.filter(active=True))
        statuses = {s.name: s for s in RagStatus.objects.all()}
        spread = ["Green"] * 14 + ["Amber"] * 4 + ["Red"] + ["Blue"]
        health, ratings = {}, []
        for report in reports:
            if report.project_id not in health or self.random.random() < 0.1:
                health[report.project_id] = self.random.choice(spread)
            for dimension in dimensions:
                moved = self.random.random() < 0.1
                name = self.random.choice(spread) if moved else health[report.project_id]
                ratings.append(
                    RagRating(
                        report=report,
                        dimension=dimension,
                        status=statuses[name],
                        comment="Said why.",
                    )
                )
        return ratings

    def snapshots(self, last):
        """Freeze the latest month's approved reports, as approval does."""
        spec = get_kind("highlight_report")
        latest = HighlightReport.objects.filter(
            project__code__startswith=PREFIX, status="approved", period_start=last
        ).select_related("project__sponsor", "project__manager", "project__parent", "approved_by")
        documents = []
        for report in latest:
            snapshot = spec.gather_live(report)
            HighlightReport.objects.filter(pk=report.pk).update(approved_snapshot=snapshot)
            if self.month_end:
                continue  # the month's run has not been yet
            params = spec.params_for(report)
            # The PDFs the monthly run made of them (no files: the documents page lists them).
            documents.append(
                Document(
                    kind=spec.name,
                    params=params,
                    params_key=params_key(params),
                    title=spec.title(report, params),
                    source_type=ContentType.objects.get_for_model(report),
                    source_id=report.pk,
                    fingerprint=fingerprint(snapshot),
                    status=Document.Status.DONE,
                    attempts=1,
                    pages=3,
                    bytes=180_000,
                    render_seconds=0.3,
                    requested_by=report.approved_by,
                    finished_at=timezone.now(),
                )
            )
        Document.objects.bulk_create(documents, batch_size=2000)

    def risks(self, portfolio, per_project, people):
        matrix = RiskMatrix.objects.get(is_default=True)
        categories = list(RiskCategory.objects.all())
        projects = [p for p in portfolio if p.kind == "project"]
        registers = RiskRegister.objects.bulk_create(
            [
                RiskRegister(
                    name=f"{PREFIX} {p.code}",
                    slug=f"sc-{p.code.lower().replace('.', '-')}",
                    project=p,
                    matrix=matrix,
                    owner=p.manager,
                )
                for p in projects
            ],
            batch_size=2000,
        )
        risks = []
        for register in registers:
            for i in range(per_project):
                ip, ii = self.random.randint(2, 5), self.random.randint(2, 5)
                risks.append(
                    Risk(
                        register=register,
                        ref=f"R{i + 1:03d}",
                        title=f"Risk {i + 1}: {LOREM[:80]}",
                        category=self.random.choice(categories),
                        owner=self.random.choice(people),
                        inherent_probability=ip,
                        inherent_impact=ii,
                        residual_probability=self.random.randint(1, ip),
                        residual_impact=self.random.randint(1, ii),
                        consequences=LOREM,
                        controls=BULLETS,
                        assurance=LOREM,
                        actions=BULLETS,
                        next_review_date=datetime.date(2025, 1, 1)
                        + datetime.timedelta(days=self.random.randint(-60, 60)),
                    )
                )
        Risk.objects.bulk_create(risks, batch_size=5000)
        reviews = [
            RiskReview(
                risk=r,
                reviewed_on=datetime.date(2024, 12 - k, 1),
                comment="Reviewed.",
                signed_off=True,
                inherent_probability=r.inherent_probability,
                inherent_impact=r.inherent_impact,
                residual_probability=r.residual_probability,
                residual_impact=r.residual_impact,
            )
            for r in risks
            for k in range(2)
        ]
        RiskReview.objects.bulk_create(reviews, batch_size=5000)
        return len(risks)

    def plan(self, count, people):
        plan = BusinessPlan.objects.create(
            title="Scale plan", year="2099-00", status=BusinessPlan.Status.PUBLISHED
        )
        aims = StrategicAim.objects.bulk_create(
            [StrategicAim(plan=plan, number=n, text=f"Aim {n}") for n in range(1, 6)]
        )
        sections = Section.objects.bulk_create(
            [Section(plan=plan, name=f"Team {n}", slug=f"team-{n}", order=n) for n in range(10)]
        )
        roles = []
        for n in range(6):
            role, _ = OwnerRole.objects.get_or_create(name=f"SC Dir - T{n}")
            roles.append(role)
        statuses = [s for s, _ in Activity.Status.choices]
        priorities = [p for p, _ in Activity.Priority.choices]
        activities = [
            Activity(
                section=sections[i % 10],
                ref=str(i // 10 + 1),
                title=f"Activity {i}: {LOREM}",
                kind="bau",
                frequency="Monthly",
                start_date=datetime.date(2099, 4, 1),
                end_date=datetime.date(2100, 3, 31),
                priority=self.random.choice(priorities),
                owner=self.random.choice(roles),
                measure=LOREM,
                status=self.random.choice(statuses),
                comment=LOREM,
                order=i,
            )
            for i in range(count)
        ]
        Activity.objects.bulk_create(activities, batch_size=5000)
        Through = Activity.aims.through
        Through.objects.bulk_create(
            [
                Through(activity_id=a.pk, strategicaim_id=aims[i % 5].pk)
                for i, a in enumerate(activities)
            ],
            batch_size=5000,
        )
        ActivityUpdate.objects.bulk_create(
            [
                ActivityUpdate(
                    activity=a,
                    quarter=1,
                    status=a.status,
                    comment="Q1 update",
                    updated_by=people[0],
                )
                for a in activities
            ],
            batch_size=5000,
        )
        return len(activities)
