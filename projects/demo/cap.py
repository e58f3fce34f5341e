"""The Culture Action Plan (shared/samples/strategic-highlight-report-culture-2024.txt): a
programme reporting to Members on five months, October 2023 – February 2024."""

import datetime

CAP_USERS = [("derek.james", "Derek", "James", "DCFO", "", [])]

CAP_PROJECT = {
    "code": "CAP",
    "name": "Culture Action Plan",
    "kind": "programme",
    "governance_body": "Members",
    "reporting_cadence": "as_required",
}

# The report's own headings (the sample's SUMMARY, GOVERNANCE, PROGRESS, COMMUNICATION,
# ISSUES, RISKS and NEXT STEPS), and only the sections it has.
CAP_TEMPLATE = {
    "name": "Strategic highlight report",
    "sections": {
        "achievements": {"heading": "Progress", "shown": True},
        "next_period": {"heading": "Next steps", "shown": True},
        "planned_this_period": {"heading": "", "shown": False},
        "concerns": {"heading": "", "shown": False},
        "decisions_required": {"heading": "", "shown": False},
    },
}

CAP_REPORT = {
    "period_start": datetime.date(2023, 10, 1),
    "period_end": datetime.date(2024, 2, 29),
    "report_date": datetime.date(2024, 2, 29),
    "status_word": "On Track",
    "summary": """\
The independent review into workplace culture was published in October 2023 along with the management response to the recommendations. A culture action plan has been developed to address the recommendations from the review and the Inspectorate's Spotlight report previously raised with Members. The action plan, alongside its governance arrangements was presented to the Authority in December 2023. A programme of staff engagement is currently underway to ensure the action plan takes account ideas staff have for further strengthening our culture and our overall approach.

Good progress is being made against the action plan with no significant issues to raise with Members at this time.""",
    "governance": """\
A Culture Steering Group has been established, comprised of individuals with a responsibility to deliver the actions in the plan.

A Culture Development Committee, chaired by the DCFO is in place and meets quarterly. The committee includes trade union representatives and staff network leads. It also allows for open seats for any member of staff to observe or participate.

The independent review recommended the engagement of an independent person to help oversee our arrangements and progress. The White Ribbon charity have been approached and a positive meeting took place on 5 February 2024 to discuss how they can support us in this work. They are currently working through how they may resource our request.""",
    "deliverables_title": "Progress against short term priorities (by April 2024)",
    "achievements": """\
We are also making good progress on some Medium-Term priorities including:

- Continuing the delivery of 'Not on my Watch' awareness training
- Developing clear role expectations (linked to role induction)
- Reviewing performance management procedures
- Introducing our 'Safe to' programme
- Further embedding the Code of Ethics
- Rolling out a DBS checking programme for existing staff (currently at procurement stage)""",
    "communication": """\
- We have published weekly update articles outlining our progress and changes put in place. This goes to all staff.
- Discussed our Culture Action plan at our Bitesize Leaders Forum that involves all middle managers. We have asked that they discuss and gather feedback from teams.
- Ensured our Manager Engagement Days in March, which involve all supervisory and middle managers, focus on our culture change work.
- Launched 'culture conversation' podcasts to all staff led by the Director of People Services""",
    "issues": (
        "We are currently looking to ensure that the strategic linkages from the Authority's "
        "policy through to contractual obligations and individual expectations are clear and "
        "robust. This may involve a further review of the existing People policy which we will "
        "bring back to the June annual meeting as necessary."
    ),
    "risks_narrative": (
        "As Members are aware, we must undertake a programme of complex and potentially "
        "unpopular change to both achieve financial stability and undertake a programme of "
        "better matching resources to changing risk and demand. This will inevitably cause "
        "organisation and cultural strain and will need to be carefully managed such that it "
        "doesn't compromise any progress with positive cultural development."
    ),
    "next_period": "Continue to deliver the prioritises programme for completion by April.",
}

COMPLETE, IN_PROGRESS, NOT_STARTED = "complete", "in_progress", "not_started"
# (theme, deliverable, status), in the sample's order; the table's continuation after the
# page break belongs to "Strengthening leadership and engagement", then "Governance".
CAP_DELIVERABLES = [
    (
        "Building trust and confidence",
        "Launch Culture Dashboard to increase transparency about our staff make up, key metrics and provide some generic detail over management action.",
        COMPLETE,
    ),
    ("Building trust and confidence", "Develop a revised complaints procedure", COMPLETE),
    (
        "Building trust and confidence",
        "Introduce an independent and anonymous reporting line.",
        COMPLETE,
    ),
    (
        "Strengthening support, welfare and facilities",
        "Improve mental health support interventions",
        COMPLETE,
    ),
    (
        "Strengthening support, welfare and facilities",
        "Review fireground welfare provision",
        IN_PROGRESS,
    ),
    (
        "Strengthening support, welfare and facilities",
        "Communicate expectations around use of WC facilities and monitoring arrangements in workplaces.",
        COMPLETE,
    ),
    (
        "Strengthening support, welfare and facilities",
        "Review remote working arrangements",
        IN_PROGRESS,
    ),
    (
        "Strengthening support, welfare and facilities",
        "Develop and delivered personal safety workshops as part of our 'Safe To' programme of work.",
        COMPLETE,
    ),
    ("Clear cultural expectations", "Introduce a new dignity at work framework", IN_PROGRESS),
    ("Clear cultural expectations", "Develop culture assurance framework", NOT_STARTED),
    ("Clear cultural expectations", "Implement a DBS re-check process for all staff", IN_PROGRESS),
    (
        "Clear cultural expectations",
        "Implement changes to Disclosure and Barring Services checks for new starters.",
        COMPLETE,
    ),
    (
        "Strengthening leadership and engagement",
        "Revise the Leadership Development Programme",
        COMPLETE,
    ),
    ("Strengthening leadership and engagement", "Develop a decision-making model", NOT_STARTED),
    ("Strengthening leadership and engagement", "Strengthen the leavers process", IN_PROGRESS),
    (
        "Strengthening leadership and engagement",
        "Introduce structural changes within Learning and Development and HR to strengthen management arrangements and oversight.",
        COMPLETE,
    ),
    (
        "Strengthening leadership and engagement",
        "Increase the resources in HR to allow improved oversight, learning and capacity to deal with cultural improvements.",
        COMPLETE,
    ),
    (
        "Governance",
        "Establish the Culture Development Committee and ensured it has a broad representation and participation from across the Service.",
        COMPLETE,
    ),
]
