"""What the living demo's reports say: phrases that writing.py fills in with a project's own
stages, causes and numbers. Causes and fixes are by programme, so a roof slips for the
weather and a system for its testing."""

# {dimension: {(now, direction): [template, …]}}; direction is worse, better or same as the
# last approved report. {stage}, {cause}, {fix}, {weeks}, {money} are filled in.
REASONS = {
    "Timeline": {
        ("Amber", "worse"): [
            "{Stage} is running {weeks} weeks late: {cause}.",
            "Slipped {weeks} weeks on {stage} because {cause}; the end date holds if we "
            "recover by next month.",
        ],
        ("Amber", "same"): [
            "Still {weeks} weeks behind on {stage}; the recovery plan agreed last month is "
            "on course.",
            "No further slippage on {stage}, but the {weeks}-week delay is not yet recovered.",
        ],
        ("Amber", "better"): [
            "Improved from Red: {fix}, so {stage} is now {weeks} weeks behind rather than "
            "threatening the end date.",
        ],
        ("Red", "worse"): [
            "{Stage} will miss its milestone: {cause}. A revised plan goes to the board.",
        ],
        ("Red", "same"): [
            "Still Red: {stage} is {weeks} weeks late and the recovery options need the "
            "board's decision.",
        ],
        ("Green", "better"): ["Back to Green: {fix}, and {stage} is on plan again."],
    },
    "Budget": {
        ("Amber", "worse"): ["Forecast outturn is £{money}k over budget: {cause}."],
        ("Amber", "same"): [
            "Forecast still £{money}k over budget; savings options are being worked up "
            "with Finance.",
            "The £{money}k pressure reported last month remains; contingency covers most of it.",
        ],
        ("Amber", "better"): [
            "Improved from Red: {fix}; the remaining £{money}k pressure is within contingency.",
        ],
        ("Red", "worse"): [
            "Forecast overspend of £{money}k is beyond contingency: {cause}. A change request "
            "goes to the board.",
        ],
        ("Red", "same"): [
            "The £{money}k overspend is still unfunded, awaiting the board's decision on the "
            "change request.",
        ],
        ("Green", "better"): ["Back to Green: {fix}; forecast outturn is within budget."],
    },
    "Issues & Risks": {
        ("Amber", "worse"): ["A new issue: {cause}."],
        ("Amber", "same"): ["Last month's issue is still open: {cause}."],
        ("Amber", "better"): ["Reduced from Red: {fix}."],
        ("Red", "worse"): ["A serious issue, escalated to the programme board: {cause}."],
        ("Red", "same"): ["The escalated issue is still open; the mitigation is not yet working."],
        ("Green", "better"): ["Back to Green: {fix}, and the issue is closed."],
    },
}
COMPLETE = "Complete: everything is delivered and handed over."
GREEN_NOTES = ["On plan.", "", "", "No change.", "", "Within tolerance."]

CAUSES = {
    "EAP": {
        "Timeline": [
            "wet weather stopped work on site for eight days",
            "the steel survey found more corrosion than expected",
            "the listed building consent took longer than planned",
            "the asbestos removal needed a second licensed contractor",
        ],
        "Budget": [
            "tender prices came in 12% above the estimate",
            "the cost of steel and timber rose again",
            "the scaffold stayed up three weeks longer than planned",
        ],
        "Issues & Risks": [
            "the main contractor is short of roofers",
            "tenants need decant space during the works",
            "the utility diversion needs a road closure Highways have not yet agreed",
        ],
    },
    "DSP": {
        "Timeline": [
            "the supplier's build for the next release slipped",
            "user testing found defects that need a second test cycle",
            "the data migration rehearsal overran",
            "two of the supplier's developers left the team",
        ],
        "Budget": [
            "extra licences are needed for more users than planned",
            "the supplier's day rates rose at the contract anniversary",
            "data cleansing needs more contractor days than planned",
        ],
        "Issues & Risks": [
            "a penetration test found two high-severity findings to fix before go-live",
            "the supplier has not yet met the accessibility standard",
            "key finance staff are not free for testing during year end",
        ],
    },
    "ASC": {
        "Timeline": [
            "recruitment of reablement workers is slower than planned",
            "the care provider's mobilisation slipped",
            "the consultation was extended at the request of people who use services",
            "configuration needs more social work time than planned",
        ],
        "Budget": [
            "agency staff are covering vacancies at higher cost",
            "provider fee uplifts were higher than assumed",
            "the equipment supplier's prices rose",
        ],
        "Issues & Risks": [
            "two providers have handed back packages of care",
            "demand at the front door rose 15% over the winter",
            "the NHS partner has not yet agreed the discharge pathway changes",
        ],
    },
}
FIXES = {
    "EAP": [
        "the contractor added a second gang",
        "the board agreed to re-sequence the works",
        "savings were found in the fit-out package",
        "the programme board released contingency",
    ],
    "DSP": [
        "the supplier brought in extra testers",
        "the release was split in two",
        "the licence count was renegotiated",
        "the programme board released contingency",
    ],
    "ASC": [
        "agency cover was replaced by permanent staff",
        "the provider completed mobilisation",
        "the NHS partner agreed to share the cost",
        "the programme board released contingency",
    ],
}

STATUS_WORDS = {
    "Green": ["On track", "On track", "On plan"],
    "Amber": ["Some slippage", "At risk", "Behind plan"],
    "Red": ["Off track", "Needs intervention"],
    "Blue": ["Complete"],
}
PROGRESS = [
    "work continued to plan",
    "about {percent}% complete",
    "progressing well with the team fully staffed",
    "ahead of the weekly plan",
]
ROUTINE = [
    "Risk register reviewed with the team",
    "Lessons learned log updated",
    "Project board held and all actions closed",
    "Monthly budget monitoring completed with Finance",
    "Briefing held for ward members",
    "Equality impact assessment refreshed",
    "Benefits profile updated with the service",
]
NEXT_ROUTINE = [
    "Review the risk register at the project board",
    "Update the communications plan",
    "Agree the next stage's resource plan with the service",
    "Complete the monthly budget monitoring",
]
COMMUNICATION = [
    "Article in the staff newsletter; intranet page updated.",
    "Update sent to ward members and the portfolio holder.",
    "Letters to residents near the site about working hours.",
    "Briefing for the trade unions at the joint consultative committee.",
    "Drop-in sessions for staff affected by the change.",
    "Update to the scrutiny committee; press release agreed with Communications.",
]
DECISIONS = [
    "The board is asked to approve the revised plan for {stage}.",
    "The board is asked to release £{money}k from contingency for {stage}.",
    "The board is asked to agree the approach to {stage} set out in the appendix.",
]

# What sponsors and the PMO said, where last month's report was sent back or reopened.
SPONSOR_COMMENTS = {
    "EAP-02": "Please check the Budget line against Finance's latest forecast: the drainage "
    "works agreed at the last board are not in it. Resubmit once the figures agree.",
    "ASC-05": "Before I approve: the report needs the new go-live date and what the recovery "
    "plan costs. Please add both to the summary and the Timeline line, then resubmit.",
}
RETURNED_BEFORE_COMMENT = (
    "The achievements list last month's plan, not what was done this month: please update "
    "them and resubmit."
)
RESUBMITTED = "\n- Achievements brought up to date, as the sponsor asked"
REOPEN_REASON = (
    "Finance corrected the forecast outturn after approval (the payroll licences were "
    "counted twice): the Budget line and the summary need restating."
)
