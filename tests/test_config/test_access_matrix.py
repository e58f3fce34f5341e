"""Every URL × every role × GET and POST, against DESIGN.md's "who may do what".

The table below is the contract: one row per URL case (a URL name with the object it points
at), and for each method the outcome each role must get. A URL the table does not name
fails `test_the_table_names_every_url`, so a new page cannot arrive without its row.

Outcomes: OK (200, or a redirect that is not to a login page), LOGIN (sent to sign in),
ADMIN (sent to the admin's own sign-in), 403 (may read but not do), 404 (may not read),
405 (method not allowed). Each request runs in a savepoint that is rolled back, so one
role's POST (an approval, say) never changes what the next role meets.
"""

import datetime
import io
import re
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from businessplan.importers import PlanImporter
from projects import uploads, workflow
from projects.models import (
    ImportJob,
    Milestone,
    Organisation,
    RagDimension,
    RaidItem,
    User,
)
from projects.onboarding.finance import FinanceImporter
from projects.onboarding.people import PeopleImporter
from projects.onboarding.plan import MilestoneImporter
from projects.onboarding.portfolio import ProjectImporter
from projects.onboarding.rag_history import RagHistoryImporter
from projects.onboarding.raid import RaidImporter
from projects.periods import add_months, month_end
from reports import kinds
from reports.models import Document, params_key
from reports.services import render_source
from risks.importers import RegisterImporter
from risks.models import Risk, RiskMatrix
from tests.factories import (
    ActivityFactory,
    BusinessPlanFactory,
    ConcernFactory,
    DeliverableFactory,
    DocumentFactory,
    OwnerRoleFactory,
    ProgrammeFactory,
    RagStatusFactory,
    ReportFactory,
    RiskFactory,
    RiskRegisterFactory,
    SectionFactory,
    UserFactory,
    rate,
)
from tests.pdf import pdf_text

OK, LOGIN, ADMIN = "OK", "LOGIN", "ADMIN"

ROLES = (
    "anonymous",
    "plain",  # signed in, no role anywhere
    "other_manager",  # manages another project
    "manager",  # manages TEST.1
    "editor",  # drafts TEST.1's reports
    "other_sponsor",  # sponsors another project
    "sponsor",  # sponsors TEST.1
    "risk_owner",  # owns a risk in the corporate register, nothing else
    "director",
    "pmo",
)


def expect(default, anonymous=LOGIN, **roles):
    """Outcome per role: `default` for every signed-in role not named."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"no such role: {unknown}"
    return {"anonymous": anonymous, **dict.fromkeys(ROLES[1:], default), **roles}


EVERYONE = expect(OK)
PUBLIC = expect(OK, anonymous=OK)
NOWHERE = expect(404, anonymous=404)
POST_ONLY = expect(405)  # GET on a POST-only action, for anyone signed in
PMO_ONLY = expect(403, pmo=OK)
# TEST.1's drafts: its team, sponsor, directors and the PMO read them; nobody else knows
# they exist.
DRAFT_READERS = expect(404, manager=OK, editor=OK, sponsor=OK, director=OK, pmo=OK)
DRAFTERS = expect(404, manager=OK, editor=OK, sponsor=403, director=403, pmo=OK)
SUBMITTERS = expect(404, manager=OK, editor=403, sponsor=403, director=403, pmo=OK)
APPROVERS = expect(404, manager=403, editor=403, sponsor=OK, director=403, pmo=403)
# TEST.1's risk register: alice (its manager) owns it.
PROJECT_REGISTER_READERS = DRAFT_READERS
PROJECT_REGISTER_MANAGERS = expect(404, manager=OK, editor=403, sponsor=403, director=403, pmo=OK)
# The corporate register: owned by someone outside the roles; rita owns one risk in it.
CORPORATE_READERS = expect(404, risk_owner=OK, director=OK, pmo=OK)
CORPORATE_MANAGERS = expect(404, risk_owner=403, director=403, pmo=OK)
INTERNAL_READERS = expect(404, director=OK, pmo=OK)


@dataclass(frozen=True)
class Case:
    name: str  # the URL name
    target: str  # which object of the world it points at
    get: dict
    post: dict | None  # None: the same as GET (a form page and its submission)
    data: dict = field(default_factory=dict, hash=False)  # what a POST sends

    def expected(self, method):
        return self.get if method == "get" or self.post is None else self.post

    @property
    def id(self):
        return f"{self.name}@{self.target}"


C = Case
TABLE = [
    # --- sign-in, health ---
    # A body from someone not signed in goes only to ANONYMOUS_POST_VIEWS (sign-in and
    # password reset); to any other view it is sent to sign in unread (config/middleware.py).
    C("healthz", "-", get=PUBLIC, post=expect(405)),
    C("login", "-", get=expect(OK, anonymous=OK), post=expect(OK, anonymous=OK)),
    C("logout", "-", get=expect(405), post=EVERYONE),
    C("password_change", "-", get=EVERYONE, post=EVERYONE),
    C("password_change_done", "-", get=EVERYONE, post=expect(405)),
    C("account", "-", get=EVERYONE, post=expect(405)),
    C("sign-out-everywhere", "-", get=expect(405), post=EVERYONE),
    # An empty form: refused with the page (400); the PMO has no deputies to name.
    C("deputy-add", "-", get=expect(405), post=expect(400, pmo=400)),
    # Nobody's deputy row here: only its person removes one (the rule is in test_deputies).
    C("deputy-remove", "none", get=expect(405), post=expect(404)),
    C("break-glass", "-", get=expect(OK, anonymous=OK), post=expect(OK, anonymous=OK)),
    # Nobody held after a right password: each sends to sign in (without coming back).
    C("second-factor", "-", get=expect(OK, anonymous=OK), post=expect(OK, anonymous=OK)),
    C("second-factor-set-up", "-", get=expect(OK, anonymous=OK), post=expect(OK, anonymous=OK)),
    C("recovery-codes", "-", get=EVERYONE, post=EVERYONE),
    # The admin's sign-in page sends everyone to Highlight's (with its second factor).
    C("admin-sign-in", "-", get=expect(LOGIN), post=expect(405)),
    # Single sign-on, not configured here: nobody gets anywhere.
    C("openid_connect_login", "sso", get=NOWHERE, post=NOWHERE),
    C("openid_connect_callback", "sso", get=NOWHERE, post=expect(404)),
    C("socialaccount_login_cancelled", "-", get=PUBLIC, post=expect(405)),
    C("socialaccount_login_error", "-", get=PUBLIC, post=expect(405)),
    C("password_reset", "-", get=PUBLIC, post=PUBLIC, data={"email": "alice@example.org"}),
    C("password_reset_done", "-", get=PUBLIC, post=expect(405)),
    C("password_reset_confirm", "bad-token", get=PUBLIC, post=PUBLIC),
    C("password_reset_complete", "-", get=PUBLIC, post=expect(405)),
    C("invitation", "bad-token", get=PUBLIC, post=PUBLIC),
    C("invitation-done", "-", get=PUBLIC, post=expect(405)),
    # --- projects and highlight reports ---
    C("projects:home", "-", get=EVERYONE, post=expect(405)),
    C("projects:dashboard", "-", get=EVERYONE, post=expect(405)),
    C("projects:dashboard-export", "-", get=EVERYONE, post=expect(405)),
    C("projects:project-list", "-", get=EVERYONE, post=expect(405)),
    C("projects:project-create", "-", get=PMO_ONLY, post=PMO_ONLY),
    C("projects:project-detail", "TEST.1", get=EVERYONE, post=expect(405)),
    C("projects:project-detail", "OTHER.2", get=EVERYONE, post=expect(405)),
    # TEST.1's programme: its page shows each project's latest report the reader may read.
    C("projects:project-detail", "PROG.1", get=EVERYONE, post=expect(405)),
    C("projects:project-edit", "TEST.1", get=expect(403, manager=OK, pmo=OK), post=None),
    # A project's plan: everyone reads it; its report writers and the PMO keep it; only the
    # sponsor (or a deputy) moves an agreed baseline.
    C("projects:milestones", "TEST.1", get=EVERYONE, post=expect(405)),
    # Its money likewise: everyone reads it; its report writers and the PMO keep it.
    C("projects:money", "TEST.1", get=EVERYONE, post=expect(405)),
    C("projects:money-edit", "TEST.1", get=expect(403, manager=OK, editor=OK, pmo=OK), post=None),
    # Its RAID log likewise.
    C("projects:raid", "TEST.1", get=EVERYONE, post=expect(405)),
    C("projects:raid-new", "TEST.1", get=expect(403, manager=OK, editor=OK, pmo=OK), post=None),
    C("projects:raid-edit", "raid-item", get=expect(403, manager=OK, editor=OK, pmo=OK), post=None),
    C("projects:raid-export", "TEST.1", get=EVERYONE, post=expect(405)),
    C("projects:raid-import", "TEST.1", get=expect(403, manager=OK, editor=OK, pmo=OK), post=None),
    C(
        "projects:raid-import-confirm",
        "TEST.1",
        get=POST_ONLY,
        post=expect(403, manager=OK, editor=OK, pmo=OK),
    ),  # fmt: skip
    C(
        "projects:raid-import-job",
        "milestone-job",
        get=expect(403, manager=OK, editor=404, pmo=404),
        post=expect(405),
    ),  # fmt: skip
    C(
        "projects:milestones-edit",
        "TEST.1",
        get=expect(403, manager=OK, editor=OK, pmo=OK),
        post=None,
    ),  # fmt: skip
    C("projects:milestone-rebaseline", "milestone", get=expect(403, sponsor=OK), post=None),
    C(
        "projects:milestones-import",
        "TEST.1",
        get=expect(403, manager=OK, editor=OK, pmo=OK),
        post=None,
    ),  # fmt: skip
    C(
        "projects:milestones-import-confirm",
        "TEST.1",
        get=POST_ONLY,
        post=expect(403, manager=OK, editor=OK, pmo=OK),
    ),  # fmt: skip
    C(
        "projects:milestones-import-job",
        "milestone-job",
        get=expect(403, manager=OK, editor=404, pmo=404),
        post=expect(405),
    ),  # fmt: skip
    C("projects:milestones-export", "TEST.1", get=EVERYONE, post=expect(405)),
    C(
        "projects:report-create",
        "TEST.1",
        get=expect(403, manager=OK, editor=OK, pmo=OK),
        post=None,
    ),
    C(
        "projects:report-next",
        "TEST.1",
        get=POST_ONLY,
        post=expect(403, manager=OK, editor=OK, pmo=OK),
    ),
    C("projects:report-detail", "draft", get=DRAFT_READERS, post=expect(405)),
    C("projects:report-detail", "approved", get=EVERYONE, post=expect(405)),
    C("projects:report-edit", "draft", get=DRAFTERS, post=DRAFTERS),
    C("projects:report-history", "draft", get=DRAFT_READERS, post=expect(405)),
    C("projects:report-history", "approved", get=DRAFT_READERS, post=expect(405)),
    C("projects:report-pdf", "draft", get=POST_ONLY, post=DRAFT_READERS),
    C("projects:report-pdf", "approved", get=POST_ONLY, post=EVERYONE),
    C("projects:report-submit", "draft", get=POST_ONLY, post=SUBMITTERS),
    C("projects:report-withdraw", "submitted", get=POST_ONLY, post=SUBMITTERS),
    C("projects:report-approve", "submitted", get=POST_ONLY, post=APPROVERS),
    C("projects:report-return", "submitted", get=POST_ONLY, post=APPROVERS),
    C("projects:report-reopen", "approved", get=POST_ONLY, post=PMO_ONLY),
    C(
        "projects:report-name-approver",
        "submitted",
        get=POST_ONLY,
        post=expect(404, manager=403, editor=403, sponsor=403, director=403, pmo=OK),
    ),
    # --- the audit ---
    C("projects:hand-over", "-", get=PMO_ONLY, post=PMO_ONLY),
    # --- people and projects in bulk: the PMO's; an upload's job is its uploader's ---
    *[
        row
        for which in ("people", "projects", "rag-history", "finance")
        for row in (
            C(f"projects:{which}-import", "-", get=PMO_ONLY, post=PMO_ONLY),
            C(f"projects:{which}-import-confirm", "-", get=POST_ONLY, post=PMO_ONLY),
            C(f"projects:{which}-import-job", "organisation", get=PMO_ONLY, post=expect(405)),
            C(f"projects:{which}-export", "-", get=PMO_ONLY, post=expect(405)),
        )
    ],
    C("projects:audit", "-", get=PMO_ONLY, post=expect(405)),
    C("projects:audit-export", "-", get=PMO_ONLY, post=expect(405)),
    C("projects:audit-export-csv", "-", get=PMO_ONLY, post=expect(405)),
    # --- the PMO's settings ---
    C("projects:settings", "-", get=PMO_ONLY, post=expect(405)),
    C("projects:organisation-settings", "-", get=PMO_ONLY, post=PMO_ONLY),
    C("projects:statements", "-", get=PMO_ONLY, post=PMO_ONLY),
    C("projects:data-map", "-", get=PMO_ONLY, post=expect(405)),
    C("projects:subject-access", "-", get=PMO_ONLY, post=PMO_ONLY),
    C("projects:privacy", "-", get=PUBLIC, post=expect(405)),
    C("projects:accessibility", "-", get=PUBLIC, post=expect(405)),
    C("projects:anonymise", "-", get=PMO_ONLY, post=PMO_ONLY),
    C("projects:retention", "-", get=PMO_ONLY, post=expect(405)),
    C("projects:retention-rule", "imports", get=PMO_ONLY, post=PMO_ONLY),
    # An empty form is refused for the PMO (400); no hold 999 exists.
    C("projects:legal-hold-place", "-", get=POST_ONLY, post=expect(403, pmo=400)),
    C("projects:legal-hold-lift", "999", get=POST_ONLY, post=expect(403, pmo=404)),
    C("projects:channel-list", "-", get=PMO_ONLY, post=expect(405)),
    C("projects:channel-organisation", "-", get=PMO_ONLY, post=PMO_ONLY),
    C("projects:channel-programme", "PROG.1", get=PMO_ONLY, post=PMO_ONLY),
    C("projects:marking-list", "-", get=PMO_ONLY, post=PMO_ONLY),
    C("projects:marking-edit", "2", get=PMO_ONLY, post=PMO_ONLY),
    C("projects:marking-delete", "2", get=POST_ONLY, post=PMO_ONLY),
    C("projects:template-list", "-", get=PMO_ONLY, post=expect(405)),
    C("projects:template-create", "-", get=PMO_ONLY, post=PMO_ONLY),
    C("projects:template-edit", "1", get=PMO_ONLY, post=PMO_ONLY),
    # The default template (pk 1) is never removed: 404 for the PMO too.
    C("projects:template-delete", "1", get=POST_ONLY, post=expect(403, pmo=404)),
    # Everyone signed in sees the logo in the navigation bar; this world has none.
    C("projects:logo", "-", get=expect(404), post=expect(405)),
    # --- risks ---
    C("risks:register-list", "-", get=EVERYONE, post=expect(405)),
    C("risks:register-create", "-", get=PMO_ONLY, post=PMO_ONLY),
    C("risks:outside-appetite", "-", get=EVERYONE, post=expect(405)),
    C("risks:register", "project", get=PROJECT_REGISTER_READERS, post=expect(405)),
    C("risks:register", "corporate", get=CORPORATE_READERS, post=expect(405)),
    C("risks:register-edit", "project", get=PROJECT_REGISTER_MANAGERS, post=None),
    C("risks:register-edit", "corporate", get=CORPORATE_MANAGERS, post=None),
    C("risks:risk-create", "project", get=PROJECT_REGISTER_MANAGERS, post=None),
    C("risks:register-pdf", "project", get=POST_ONLY, post=PROJECT_REGISTER_READERS),
    C("risks:register-pdf", "corporate", get=POST_ONLY, post=CORPORATE_READERS),
    C("risks:register-import", "project", get=PROJECT_REGISTER_MANAGERS, post=None),
    C("risks:register-import", "corporate", get=CORPORATE_MANAGERS, post=None),
    C("risks:register-import-confirm", "project", get=POST_ONLY, post=PROJECT_REGISTER_MANAGERS),
    # An upload's job is its uploader's (alice, the register's owner) alone: even the PMO,
    # who manages every register, gets 404.
    C(
        "risks:register-import-job",
        "project",
        get=expect(404, manager=OK, editor=403, sponsor=403, director=403),
        post=expect(405),
    ),
    C("risks:register-export", "project", get=PROJECT_REGISTER_READERS, post=expect(405)),
    C("risks:register-export", "corporate", get=CORPORATE_READERS, post=expect(405)),
    C("risks:risk", "project", get=PROJECT_REGISTER_READERS, post=expect(405)),
    C("risks:risk", "corporate-own", get=CORPORATE_READERS, post=expect(405)),
    C("risks:risk-edit", "project", get=PROJECT_REGISTER_MANAGERS, post=None),
    C(
        "risks:risk-edit",
        "corporate-own",
        get=expect(404, risk_owner=OK, director=403, pmo=OK),
        post=None,
    ),
    C("risks:risk-edit", "corporate-other", get=CORPORATE_MANAGERS, post=None),
    C(
        "risks:risk-review",
        "corporate-own",
        get=expect(404, risk_owner=OK, director=403, pmo=OK),
        post=None,
    ),
    C("risks:risk-review", "corporate-other", get=CORPORATE_MANAGERS, post=None),
    # --- business plans ---
    C("businessplan:plan-list", "-", get=EVERYONE, post=expect(405)),
    C("businessplan:plan-create", "-", get=PMO_ONLY, post=PMO_ONLY),
    C("businessplan:plan", "published", get=EVERYONE, post=expect(405)),
    C("businessplan:plan", "draft", get=INTERNAL_READERS, post=expect(405)),
    C("businessplan:plan-edit", "published", get=PMO_ONLY, post=PMO_ONLY),
    C("businessplan:plan-edit", "draft", get=expect(404, director=403, pmo=OK), post=None),
    C("businessplan:changes", "published", get=EVERYONE, post=expect(405)),
    C("businessplan:changes", "draft", get=INTERNAL_READERS, post=expect(405)),
    C("businessplan:plan-import", "published", get=PMO_ONLY, post=PMO_ONLY),
    C("businessplan:plan-import-confirm", "published", get=POST_ONLY, post=PMO_ONLY),
    C("businessplan:plan-import-job", "published", get=PMO_ONLY, post=expect(405)),
    C("businessplan:plan-pdf", "published", get=POST_ONLY, post=EVERYONE),
    C("businessplan:plan-pdf", "draft", get=POST_ONLY, post=INTERNAL_READERS),
    C("businessplan:plan-export", "published", get=EVERYONE, post=expect(405)),
    C("businessplan:plan-export", "draft", get=INTERNAL_READERS, post=expect(405)),
    C("businessplan:section", "published", get=EVERYONE, post=expect(405)),
    C("businessplan:section", "draft", get=INTERNAL_READERS, post=expect(405)),
    C("businessplan:activity", "published", get=EVERYONE, post=expect(405)),
    C("businessplan:activity", "draft", get=INTERNAL_READERS, post=expect(405)),
    # The activity's owner role is held by the other project's manager.
    C(
        "businessplan:activity-update",
        "published",
        get=expect(403, other_manager=OK, pmo=OK),
        post=None,
    ),
    C("businessplan:activity-update", "draft", get=expect(404, director=403, pmo=OK), post=None),
    # --- documents: downloads follow the document's source ---
    C("reports:document-list", "-", get=EVERYONE, post=EVERYONE),
    C("reports:monthly-run-start", "-", get=POST_ONLY, post=PMO_ONLY),
    C("reports:document-detail", "draft-report", get=DRAFT_READERS, post=expect(405)),
    C("reports:document-detail", "approved-report", get=EVERYONE, post=expect(405)),
    C("reports:document-detail", "board-pack", get=INTERNAL_READERS, post=expect(405)),
    C("reports:document-detail", "corporate-register", get=CORPORATE_READERS, post=expect(405)),
    C("reports:document-download", "draft-report", get=DRAFT_READERS, post=expect(405)),
    C("reports:document-download", "approved-report", get=EVERYONE, post=expect(405)),
    C("reports:document-download", "board-pack", get=INTERNAL_READERS, post=expect(405)),
    C("reports:document-download", "corporate-register", get=CORPORATE_READERS, post=expect(405)),
    C("reports:document-download", "draft-plan", get=INTERNAL_READERS, post=expect(405)),
    C("reports:document-retry", "failed-draft-report", get=POST_ONLY, post=DRAFT_READERS),
    # --- the read API (issue 21): a stranger gets 401 in JSON, never the sign-in page, and
    # every method but reading is refused (405), whoever asks ---
    *[
        C(name, target, get={**get, "anonymous": 401}, post=expect(405, anonymous=401))
        for name, target, get in (
            ("api:programme-list", "-", EVERYONE),
            ("api:programme-detail", "PROG.1", EVERYONE),
            ("api:project-list", "-", EVERYONE),
            ("api:project-detail", "TEST.1", EVERYONE),
            ("api:project-detail", "OTHER.2", EVERYONE),
            ("api:rag-rating-list", "-", EVERYONE),
            ("api:position-list", "-", EVERYONE),
            ("api:milestone-list", "-", EVERYONE),
            ("api:money-list", "-", EVERYONE),
            ("api:raid-item-list", "-", EVERYONE),
            ("api:report-list", "-", EVERYONE),
            ("api:report-detail", "draft", DRAFT_READERS),
            ("api:report-detail", "submitted", DRAFT_READERS),
            ("api:report-detail", "approved", EVERYONE),
            ("api:risk-register-list", "-", EVERYONE),
            ("api:risk-register-detail", "project", PROJECT_REGISTER_READERS),
            ("api:risk-register-detail", "corporate", CORPORATE_READERS),
            ("api:risk-list", "-", EVERYONE),
            ("api:business-plan-list", "-", EVERYONE),
            ("api:business-plan-detail", "published", EVERYONE),
            ("api:business-plan-detail", "draft", INTERNAL_READERS),
            ("api:plan-section-list", "-", EVERYONE),
            ("api:plan-activity-list", "-", EVERYONE),
            ("api:plan-activity-update-list", "-", EVERYONE),
            ("api:document-list", "-", EVERYONE),
            ("api:document-detail", "draft-report", DRAFT_READERS),
            ("api:document-detail", "approved-report", EVERYONE),
            ("api:document-detail", "board-pack", INTERNAL_READERS),
            ("api:document-detail", "corporate-register", CORPORATE_READERS),
            ("api:document-download", "draft-report", DRAFT_READERS),
            ("api:document-download", "approved-report", EVERYONE),
            ("api:document-download", "board-pack", INTERNAL_READERS),
            ("api:document-download", "corporate-register", CORPORATE_READERS),
            ("api:document-download", "draft-plan", INTERNAL_READERS),
            ("api-schema", "-", EVERYONE),
        )
    ],
    # Any other address under /api/: 404 in JSON (401 to a stranger).
    C("api-unknown", "nothing", get=expect(404, anonymous=401), post=expect(405, anonymous=401)),
    # Its documentation page is a page like any other.
    C("api-docs", "-", get=EVERYONE, post=expect(405)),
    # A person's tokens are theirs: an empty form is refused with the page (400), and
    # nobody's token row here is anyone's to revoke.
    C("api-token-create", "-", get=expect(405), post=expect(400)),
    C("api-token-revoke", "none", get=expect(405), post=expect(404)),
]


# --- the world every case is tried in ---------------------------------------------------


# TEST.1's reports that only its readers of drafts may read carry what nothing else in the
# world carries, so that a page showing any of them is caught by what it shows
# (test_outsiders_see_no_trace_of_reports_they_may_not_read): text marked UNSEEN-<status>-
# <field> in every field, the scale's Amber/Red on every RAG line (the approved report is
# Green throughout), and two-month periods, whose names no month heading spells.
UNSEEN_STATUS = "Amber/Red"
UNSEEN_FIELDS = ("status_word", "summary", "achievements", "next_period", "issues",
                 "risks_narrative", "decisions_required", "governance", "communication",
                 "deliverables_title")  # fmt: skip
UNSEEN = ("returned", "submitted", "draft")


def unseen_report(project, first_month, status):
    """A two-month report of `project` whose every word is marked UNSEEN-<status>-."""
    marked = {name: f"UNSEEN-{status}-{name.replace('_', '-')}" for name in UNSEEN_FIELDS}
    report = ReportFactory(project=project, period_start=first_month,
                           period_end=month_end(add_months(first_month, 1)), **marked)  # fmt: skip
    amber_red = RagStatusFactory(name=UNSEEN_STATUS)
    for rating in report.ratings.select_related("dimension"):
        rating.status, rating.comment = amber_red, f"UNSEEN-{status}-rag-{rating.dimension.order}"
        rating.save()
    ConcernFactory(report=report, concern=f"UNSEEN-{status}-concern",
                   countermeasure=f"UNSEEN-{status}-countermeasure")  # fmt: skip
    DeliverableFactory(report=report, description=f"UNSEEN-{status}-deliverable")
    return report


@pytest.fixture
def world(project, other_project, alice, bob, erin, charlie, dave, olive, pam, diana):
    rita = UserFactory(username="rita", first_name="Rita", last_name="Rowe")
    outsider = UserFactory(username="owen", first_name="Owen", last_name="Oakes")
    project.parent = ProgrammeFactory(code="PROG.1", name="Culture Programme")
    project.save()
    # Returned before the approved one is approved: a rule that took "last period" from
    # any report, not the last approved one, would print its RAG on the approved one.
    returned = unseen_report(project, datetime.date(2023, 11, 1), "returned")
    workflow.return_to_manager(workflow.submit(returned, alice), bob, "UNSEEN-returned-comment")
    approved = ReportFactory(project=project, period_start=datetime.date(2024, 1, 1),
                             status_word="On Track")  # fmt: skip
    rate(approved, **{d.name: "Green" for d in RagDimension.objects.all()})
    workflow.approve(workflow.submit(approved, alice), bob)
    submitted = unseen_report(project, datetime.date(2024, 2, 1), "submitted")
    workflow.submit(submitted, alice)
    draft = unseen_report(project, datetime.date(2024, 4, 1), "draft")
    Milestone.objects.create(project=project, name="Contract signed",
                             baseline=datetime.date(2024, 3, 4), key=True)  # fmt: skip
    RaidItem.objects.create(project=project, kind="issue", number=1, title="Lift delayed",
                            raised_on=datetime.date(2024, 3, 4))  # fmt: skip

    matrix = RiskMatrix.objects.get(name="5x5")
    project_register = RiskRegisterFactory(
        name="Library Refurbishment risks", project=project, matrix=matrix, owner=alice
    )
    corporate = RiskRegisterFactory(name="Corporate risks", matrix=matrix, owner=outsider)
    RiskFactory(register=project_register, ref="LR_1", title="Asbestos")
    RiskFactory(register=corporate, ref="CR_1", title="Cyber attack", owner=rita)
    RiskFactory(register=corporate, ref="CR_2", title="Budget cut")

    owner_role = OwnerRoleFactory(name="Dir - C&I", users=[charlie])
    plans = {}
    for year, status in (("2019-20", "published"), ("2020-21", "draft")):
        plan = BusinessPlanFactory(title=f"Plan {year}", year=year, status=status)
        # The published plan's activity is TEST.1's: its page shows TEST.1's latest report.
        ActivityFactory(section=SectionFactory(plan=plan, name="C&I", slug="c-i"), ref="CI 1",
                        title="Refresh the website", owner=owner_role,
                        project=project if status == "published" else None)  # fmt: skip
        plans[status] = plan

    documents = {
        "draft-report": done_document("highlight_report", draft, alice),
        "approved-report": done_document("highlight_report", approved, alice),
        "board-pack": done_document(
            "board_pack", None, diana, {"programme": "", "period": "2024-03"}
        ),
        "corporate-register": done_document("risk_register", corporate, pam),
        "draft-plan": done_document("business_plan", plans["draft"], pam),
        "failed-draft-report": DocumentFactory(
            report=draft,
            status=Document.Status.FAILED,
            error="WeasyPrint ran out of memory",
            title=kinds.get_kind("highlight_report").title(draft),
        ),
    }
    jobs = {
        "risks:register-import-job": import_job(alice, RegisterImporter, project_register),
        "businessplan:plan-import-job": import_job(pam, PlanImporter, plans["published"]),
        "projects:people-import-job": import_job(pam, PeopleImporter, Organisation.current()),
        "projects:projects-import-job": import_job(pam, ProjectImporter, Organisation.current()),
        "projects:milestones-import-job": import_job(alice, MilestoneImporter, project),
        "projects:raid-import-job": import_job(alice, RaidImporter, project),
        "projects:rag-history-import-job": import_job(
            pam, RagHistoryImporter, Organisation.current()
        ),
        "projects:finance-import-job": import_job(pam, FinanceImporter, Organisation.current()),
    }
    users = {
        "plain": olive, "other_manager": charlie, "manager": alice, "editor": erin,
        "other_sponsor": dave, "sponsor": bob, "risk_owner": rita, "director": diana, "pmo": pam,
    }  # fmt: skip
    return {
        "users": users,
        "reports": {
            "draft": draft,
            "submitted": submitted,
            "approved": approved,
            "returned": returned,
        },
        "registers": {"project": project_register, "corporate": corporate},
        "risks": {
            "project": (project_register, "LR_1"),
            "corporate-own": (corporate, "CR_1"),
            "corporate-other": (corporate, "CR_2"),
        },
        "plans": plans,
        "documents": documents,
        "jobs": jobs,
    }


def import_job(owner, importer, target):
    """An upload's preview, done and waiting to be confirmed."""
    return ImportJob.objects.create(
        owner=owner, importer=uploads.importer_path(importer), name="upload.xlsx",
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk,
        status=ImportJob.Status.DONE, outcome={"rows": 0}, fingerprint="0" * 64,
    )  # fmt: skip


def done_document(kind, source, requested_by, params=None):
    """A finished document with a file, fingerprinted as the renderer would fingerprint it."""
    spec = kinds.get_kind(kind)
    # A portfolio pack has no source row: its parameters say what it prints.
    source_for_data = spec.resolve(params) if source is None else source
    params = spec.params_for(source_for_data, params)
    # Approval asks for the approved PDF itself: finish that one rather than make a twin.
    document, _ = Document.objects.update_or_create(
        kind=kind,
        params_key=params_key(params),
        fingerprint=kinds.fingerprint(spec.printable(source_for_data, params)),
        defaults={"params": params, "source": source, "status": Document.Status.DONE,
                  "pages": 1, "requested_by": requested_by,
                  "title": spec.title(source_for_data, params)},
    )  # fmt: skip
    document.file.save(f"{kind}.pdf", ContentFile(b"%PDF-1.7 a test file"))
    return document


def url_for(case, world):
    """The case's URL in this world."""
    if case.target == "-":
        return reverse(case.name)
    app = case.name.split(":")[0]
    if case.name.startswith("openid_connect_"):
        return reverse(case.name, kwargs={"provider_id": case.target})
    if case.name == "api-unknown":
        return "/api/v1/nothing/"
    if case.name in ("deputy-remove", "api-token-revoke"):
        return reverse(case.name, args=[999_999])
    if app == "api" and case.target in world["documents"]:
        return reverse(case.name, args=[world["documents"][case.target].pk])
    if app == "api" and case.name.startswith("api:risk-register"):
        return reverse(case.name, args=[world["registers"][case.target].slug])
    if app == "api" and case.name.startswith("api:business-plan"):
        return reverse(case.name, args=[world["plans"][case.target].year])
    if app == "api" and case.target in world["reports"]:
        return reverse(case.name, args=[world["reports"][case.target].pk])
    if app == "api":
        return reverse(case.name, args=[case.target])
    if case.name in ("password_reset_confirm", "invitation"):
        return reverse(case.name, args=["MQ", "bad-token"])
    if case.target == "milestone":
        milestone = Milestone.objects.get(project__code="TEST.1")
        return reverse(case.name, args=["TEST.1", milestone.pk])
    if case.target == "raid-item":
        return reverse(case.name, args=["TEST.1", RaidItem.objects.get(project__code="TEST.1").pk])
    if case.target == "milestone-job":
        return reverse(case.name, args=["TEST.1", world["jobs"][case.name].pk])
    if case.target == "organisation":
        return reverse(case.name, args=[world["jobs"][case.name].pk])
    if case.name.startswith("reports:"):
        return reverse(case.name, args=[world["documents"][case.target].pk])
    if app == "projects" and case.target in world["reports"]:
        report = world["reports"][case.target]
        return reverse(case.name, args=[report.project.code, report.period_slug])
    if app == "projects":
        return reverse(case.name, args=[case.target])
    if case.name in ("risks:risk", "risks:risk-edit", "risks:risk-review"):
        register, ref = world["risks"][case.target]
        return reverse(case.name, args=[register.slug, ref])
    if case.name in world["jobs"]:
        target = world["registers"].get(case.target) or world["plans"].get(case.target)
        key = target.slug if app == "risks" else target.year
        return reverse(case.name, args=[key, world["jobs"][case.name].pk])
    if app == "risks":
        return reverse(case.name, args=[world["registers"][case.target].slug])
    plan = world["plans"][case.target]
    if case.name in (
        "businessplan:section",
        "businessplan:activity",
        "businessplan:activity-update",
    ):
        args = [plan.year, "c-i"] + (["CI 1"] if "activity" in case.name else [])
        return reverse(case.name, args=args)
    return reverse(case.name, args=[plan.year])


def post_data(case, world):
    if case.target in world["reports"]:
        report = world["reports"][case.target]
        return {"version": report.version, "comment": "Please add the budget figures."}
    return case.data


def outcome(response):
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return ADMIN
        if location.startswith(reverse("login")) and "next=" in location:
            return LOGIN
        return OK
    return OK if response.status_code == 200 else response.status_code


def attempt(world, role, method, url, data):
    """One request as `role`, in a savepoint rolled back afterwards."""
    client = Client(raise_request_exception=False)
    with transaction.atomic():
        if role != "anonymous":
            client.force_login(world["users"][role])
        response = client.get(url) if method == "get" else client.post(url, data)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("case", TABLE, ids=lambda case: case.id)
def test_each_role_gets_what_the_table_says(case, world):
    url = url_for(case, world)
    wrong = []
    for method in ("get", "post"):
        data = post_data(case, world) if method == "post" else None
        for role in ROLES:
            got = outcome(attempt(world, role, method, url, data))
            want = case.expected(method)[role]
            if got != want:
                wrong.append(f"{method.upper()} as {role}: got {got}, table says {want}")
    assert not wrong, f"{url}\n" + "\n".join(wrong)


# --- the table covers every URL ---------------------------------------------------------


def url_names(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n)
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, namespace, str(pattern.pattern)


def test_the_table_names_every_url():
    named = {case.name for case in TABLE}
    missing = sorted(
        name or f"(unnamed) {route}"
        for name, namespace, route in url_names()
        if namespace != "admin" and name not in named
    )
    assert not missing, f"URLs with no row in the access table: {missing}"
    gone = sorted(named - {name for name, _, _ in url_names()})
    assert not gone, f"rows for URLs that no longer exist: {gone}"


# --- what pages show: nothing of a report the reader may not read ------------------------

# Everyone signed in who may not read TEST.1's drafts.
OUTSIDERS = [role for role in ROLES[1:] if DRAFT_READERS[role] == 404]
# The dashboard and its export as at May 2024, whose twelve months span TEST.1's reports
# (the table's rows ask for them as at last month).
AS_AT_MAY_2024 = ("projects:dashboard", "projects:dashboard-export")
STATUS_PILL = re.compile(r'status-pill[^"]*">(Draft|Submitted|Returned)<')
OPTION_LISTS = re.compile(r"<select\b.*?</select>", re.DOTALL)


def pages_open_to(role, world):
    """Every page and download the table lets `role` GET, and the dashboard as at May 2024."""
    for case in TABLE:
        if case.get[role] == OK:
            yield url_for(case, world)
    for name in AS_AT_MAY_2024:
        yield reverse(name) + "?month=2024-05"


def shown(response):
    """What a response shows, as text: a workbook's cells, a PDF's text, or a page without
    its option lists (the dashboard's filter names every RAG status, whatever reports say)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(content))
        return "\n".join(str(cell.value) for sheet in book for row in sheet.iter_rows()
                         for cell in row if cell.value is not None)  # fmt: skip
    if kind == "application/pdf" and b"/Page" in content:
        return pdf_text(content)
    return OPTION_LISTS.sub("", content.decode(errors="replace"))


def traces(text, world):
    """What `text` shows of TEST.1's unapproved reports: their words, RAG, periods (by name
    or link) and statuses."""
    found = set(re.findall(r"UNSEEN-[a-z-]+\d?", text))
    if UNSEEN_STATUS in text:
        found.add(f"RAG {UNSEEN_STATUS}")
    for status in UNSEEN:
        report = world["reports"][status]
        if report.period_label in text:
            found.add(f"the {status} report's period {report.period_label}")
        if report.get_absolute_url() in text:
            found.add(f"a link to the {status} report")
    found |= {f"a {status} report" for status in STATUS_PILL.findall(text)}
    unseen = [world["reports"][status] for status in UNSEEN]
    for name, document in world["documents"].items():
        if document.source in unseen and document.get_absolute_url() in text:
            found.add(f"a link to the document {name}")
    return found


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_see_no_trace_of_reports_they_may_not_read(role, world):
    """The programme and project pages, the project list, the dashboard and its workbook,
    documents, the home page, registers, plans (an activity shows its project's latest
    report): none shows anything of a report that is not approved."""
    leaks, read = [], 0
    for url in pages_open_to(role, world):
        response = attempt(world, role, "get", url, None)
        assert response.status_code in (200, 302), f"{url}: {response.status_code}"
        read += response.status_code == 200
        if found := traces(shown(response), world):
            leaks.append(f"{url}: {', '.join(sorted(found))}")
    assert read >= 20, f"only {read} pages read"
    assert not leaks, f"{role} sees what they may not read:\n" + "\n".join(leaks)


def test_what_the_outsiders_must_not_see_is_shown_to_the_team(world):
    """The other side: the pages print every trace looked for, to those who may read them,
    so the test above is not passing on pages that never print them."""
    for status in UNSEEN:
        report = world["reports"][status]
        page = shown(attempt(world, "manager", "get", report.get_absolute_url(), None))
        expected = {f"UNSEEN-{status}-{name.replace('_', '-')}" for name in UNSEEN_FIELDS}
        expected |= {f"UNSEEN-{status}-{item}"
                     for item in ("concern", "countermeasure", "deliverable")}  # fmt: skip
        expected |= {f"UNSEEN-{status}-rag-{d.order}" for d in RagDimension.objects.all()}
        expected |= {f"RAG {UNSEEN_STATUS}", f"the {status} report's period {report.period_label}",
                     f"a {report.get_status_display()} report"}  # fmt: skip
        if status == "returned":
            expected.add("UNSEEN-returned-comment")
        assert expected <= traces(page, world), status
    # The team reads the draft as TEST.1's latest report on its programme's page.
    url = reverse("projects:project-detail", args=["PROG.1"])
    programme = traces(shown(attempt(world, "manager", "get", url, None)), world)
    assert {f"RAG {UNSEEN_STATUS}", "a link to the draft report", "a Draft report"} <= programme


def test_the_pdf_everyone_may_download_prints_no_unapproved_report(world):
    approved = world["reports"]["approved"]
    params = {"project": "TEST.1", "period": approved.period_slug}
    pdf, _, _ = render_source("highlight_report", approved, params)
    text = pdf_text(pdf.content)
    assert "January 2024" in text and "Green" in text
    assert not traces(text, world)


# --- the admin: staff only, and the PMO's staff account only where it is given rights ---


def admin_urls(world):
    """Every named admin URL, with real objects of the world in its arguments."""
    from django.apps import apps
    from django.contrib import admin

    models = {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}
    for name, namespace, route in url_names():
        if namespace != "admin" or name is None:
            continue  # the unnamed ones redirect to named ones, or are the catch-all
        short = name.removeprefix("admin:")
        model = next((m for key, m in models.items() if short.startswith(key + "_")), None)
        kwargs = {}
        if "<path:object_id>" in route and model is not None:
            obj = model._default_manager.order_by("pk").first()
            kwargs["object_id"] = obj.pk if obj else 1
        if "<id>" in route:
            kwargs["id"] = world["users"]["plain"].pk
        if "content_type_id" in route:
            kwargs["content_type_id"] = ContentType.objects.get_for_model(Risk).pk
            kwargs["object_id"] = world["risks"]["project"][0].risks.get().pk
        if "app_label" in route:
            kwargs["app_label"] = "projects"
        yield (
            name,
            reverse(name, kwargs=kwargs),
            model and apps.get_app_config(model._meta.app_label).label,
        )


def test_the_admin_is_closed_to_everyone_without_staff_status(world):
    """None of the roles is staff: every admin URL sends them to a sign-in page (the admin's
    own sign-in and sign-out pages excepted)."""
    wrong = []
    urls = list(admin_urls(world))
    assert len(urls) > 100  # every model's pages, not just the index
    for name, url, _ in urls:
        if name in ("admin:login", "admin:logout"):
            continue
        for method in ("get", "post"):
            for role in ROLES:
                got = outcome(attempt(world, role, method, url, {}))
                # Strangers meet the site's sign-in first (LoginRequiredMiddleware).
                if got != ADMIN and not (role == "anonymous" and got == LOGIN):
                    wrong.append(f"{method.upper()} {url} as {role}: got {got}")
    assert not wrong, "\n".join(wrong)


@pytest.fixture
def staff_pmo(pam):
    """The PMO's account given staff status, with the group's rights as the migrations set
    them: the projects app (RAG scales, projects, people) and the other apps' settings."""
    pam.is_staff = True
    pam.save()
    return pam


# What the PMO configures in the admin (projects/migrations/0006_pmo_configures.py).
PMO_CONFIGURES = (
    "projects_",
    "risks_riskmatrix_", "risks_riskcategory_", "risks_corporatepriority_",
    "businessplan_ownerrole_",
    "reports_monthlyrun_",
)  # fmt: skip


def test_the_pmo_admin_reaches_only_what_its_rights_name(world, staff_pmo):
    wrong = []
    for name, url, app in admin_urls(world):
        got = outcome(attempt(world, "pmo", "get", url, None))
        if app is None:
            continue  # the index, sign-in, jsi18n and the like
        # Reports are read-only in the admin (they change only through their workflow),
        # and deleting one is for superusers; so is adding a person, and setting a password.
        denied_here = not name.removeprefix("admin:").startswith(PMO_CONFIGURES) or (
            name.startswith(
                (
                    "admin:projects_highlightreport_add",
                    "admin:projects_highlightreport_delete",
                    "admin:projects_user_add",
                    "admin:auth_user_password_change",
                )
            )  # fmt: skip
        )
        # A missing object's page sends to the admin index, showing nothing.
        refused = got == 403 or (got == OK and "/1/" in url and no_object(name))
        if denied_here and not refused:
            wrong.append(f"GET {url}: got {got}, should be refused")
        if not denied_here and got != OK:
            wrong.append(f"GET {url}: got {got}, should open")
    assert not wrong, "\n".join(wrong)


def no_object(name):
    from django.contrib import admin

    for model in admin.site._registry:
        if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            return not model._default_manager.filter(pk=1).exists()
    return False


def test_the_pmo_cannot_make_itself_a_superuser(world, staff_pmo):
    """Rights over people must not be a way to more rights: the PMO edits names and job
    titles, not staff or superuser status, groups or permissions."""
    from django.contrib.auth.models import Group

    client = Client()
    client.force_login(staff_pmo)
    url = reverse("admin:projects_user_change", args=[staff_pmo.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    for locked in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert locked not in form.fields, f"the PMO may change {locked}"
    directors = Group.objects.get(name="Directors")
    client.post(
        url,
        {
            "username": "pam", "first_name": "Pam", "last_name": "Price",
            "email": "pam@example.org", "job_title": "PMO lead", "is_active": "on",
            "is_superuser": "on", "is_staff": "on", "groups": [directors.pk],
            "date_joined_0": "01/01/2024", "date_joined_1": "09:00:00",
        },
    )  # fmt: skip
    staff_pmo.refresh_from_db()
    assert not staff_pmo.is_superuser
    assert not staff_pmo.groups.filter(name="Directors").exists()


def test_the_pmo_cannot_take_over_an_admin_account(world, staff_pmo):
    """Rights over people do not reach accounts that reach the admin: the PMO can neither
    set a superuser's (or another staff member's) password nor change or delete them, and
    still keeps everyone else's names and job titles."""
    boss = User.objects.create_superuser("boss", "boss@example.org", "a-long-passphrase-1")
    client = Client()
    client.force_login(staff_pmo)

    password_url = reverse("admin:auth_user_password_change", args=[boss.pk])
    attempt = {"password1": "taken-over-123!", "password2": "taken-over-123!"}
    assert client.post(password_url, attempt).status_code == 403
    assert client.post(reverse("admin:projects_user_delete", args=[boss.pk]),
                       {"post": "yes"}).status_code == 403  # fmt: skip
    change = client.post(reverse("admin:projects_user_change", args=[boss.pk]),
                         {"username": "boss", "email": "pmo@example.org"})  # fmt: skip
    assert change.status_code == 403
    boss.refresh_from_db()
    assert boss.check_password("a-long-passphrase-1") and boss.email == "boss@example.org"

    plain = world["users"]["plain"]
    page = client.get(reverse("admin:projects_user_change", args=[plain.pk]))
    assert page.status_code == 200 and "job_title" in page.context["adminform"].form.fields
