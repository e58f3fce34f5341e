"""The Safeguarding Improvement Board (shared/samples/highlight-report-safeguarding-2011.txt):
a project whose progress is grouped by workstream, reported in December 2011 after an
approved November report (whose RAG is the December report's "Previous month" row)."""

import datetime

SIB_USERS = [
    ("clair.pyper", "Clair", "Pyper", "", "", []),
    ("keren.bailey", "Keren", "Bailey", "", "", []),
]

SIB_PROJECT = {
    "code": "SIB",
    "name": "Safeguarding Improvement Board",
    "kind": "project",
    "area": "Wards affected – All",
    "start": datetime.date(2011, 6, 1),
    "start_precision": "month",
    "end": datetime.date(2013, 1, 1),
    "end_precision": "year",
    "governance_body": "CMT",
}

SIB_WORKSTREAMS = [
    "Social Care Practice",
    "Capability and Capacity",
    "Quality Assurance and Performance Management",
    "Early Intervention and Prevention",
    "Leadership, Governance and Finance",
]

# The sample's one report: dated 07/12/11, it tells of November ("has continued into
# November", the Improvement Board "met on the 14th November"). Its "Previous month" row is
# kept as what the report states, not as an invented October report.
SIB_REPORT = {
    "period_start": datetime.date(2011, 11, 1),
    "period_end": datetime.date(2011, 11, 30),
    "report_date": datetime.date(2011, 12, 7),
    "percent_complete": 15,
    "ratings": {
        "Overall": "Amber",
        "Timeline": "Amber",
        "Budget": "Green",
        "Issues & Risks": "Amber",
    },
    "previous": {
        "Overall": "Amber",
        "Timeline": "Amber",
        "Budget": "Amber",
        "Issues & Risks": "Amber",
    },
    "next_period": (
        "Clear milestones for specific aspects of the work are contained in the Improvement "
        "Plan and will be included in this GOLD project update as soon as detailed delivery "
        "plans are finally agreed."
    ),
    "risks_narrative": (
        "The IB has now agreed the project risks. The Project Board monitor those risks and "
        "report the outcomes of this to the IB together with any mitigating action. There is a "
        "risk that staff sickness is delaying some areas of implementation and this is being "
        "closely monitored."
    ),
    "issues": """\
The key obstacles to progress have been identified as shown below. These have been discussed by the Project Board and are being resolved:

- Clarity over leads and responsibilities for work that cuts across themes – being discussed at Project Board as the detailed work is planned.
- Inconsistent information and messages being provided to HR leads about the changes in ECS – regular meetings now in place.
- Clarity over the role of, and input required from, the performance team in the Practice Audit Framework – Theme Leads to discuss.
- Ease of implementation of the Supervision Policy and how it can be supported through training to be discussed by Theme Leads.
- Clarity over the lead for the Quality Assurance Framework – discussion taking place.
- Delay of IRO review by sector support – interim development plan agreed.""",
    "decisions_required": "N/A",
}

# (achievements this period, next steps) per workstream, in SIB_WORKSTREAMS order.
SIB_PROGRESS = [
    (
        """\
- New Quality Assurance Framework disseminated to staff through detailed briefings and distribution of packs including Risk Assessment, Supervision Policy and Practice Standards.
- Improvement in key indicators as a result of improved practice – 'Initial Assessments completed and authorised within the timescales' and 'Core Assessments completed within timescale' has continued into November. The Improvement Board (IB), which met on the 14th November, was particularly pleased with success in this area.
- Social Care staff have been involved in the discussions around the interim team changes from 5 December to reflect service demand and requirements for management and practice improvement. This has been designed to ensure that we use practitioner and managers skills and expertise and build on the good practice that exists in some parts of the service.
- The programme of internal audits is continuing each month with results being used for remedial action where necessary; fed back to individuals, teams, and senior managers and used to inform training.
- The final report from the External Audit found indications of improvement and good practice across some teams. Practitioners and managers have received feedback on individual cases and themes arising from the audit which require changes in practice.
- Assistant Team Managers will be the first priority group for training on the new training programme which takes account of the social worker health check, findings from the audits and feedback from staff.""",
        """\
- Development of detailed approach to implementing the Workforce Strategy
- Monitoring to ensure that standards documents continue to be rolled out including the Quality Assurance Framework, Risk Assessment Framework and Supervision policy
- Monitoring to ensure supervisions are taking place operationally following the interim team changes.""",
    ),
    (
        """\
- Practitioners and managers have been interviewed and selected for new teams as part of the interim change in team responsibilities from 5th December
- Interviews for social work practitioners are being held week commencing 05.12
- Recruitment to Assistant Team Manager posts has started. These are Interim posts until the establishment of the service has been clarified and are based on new competences produced by the Social Work Reform Board
- Recruitment processes that have been used in the past are being reviewed and the findings will be used to improve future recruitment campaigns to help attract social workers and managers to Slough.
- Professional standards and competencies for social workers are being developed to reflect the recommendations of the Social Work Reform Board to ensure that we consistently recruit high quality social workers.
- Leadership competencies will be developed as part of the SBC Workforce Strategy and considered by the Corporate Management Team. Training activities for all leaders and managers will follow.""",
        """\
- The first draft of the Corporate Workforce Strategy will be discussed by the Corporate Management Team in January 2012.
- The specialist competencies required for leadership within the education and children's services are being considered by the senior management team on the 8.12. These will complement the Corporate Workforce Strategy and allow further work in ECS to start whilst this is being finalised.
- Recruitment to vacant posts to be progressed so that key staff are in post from April.
- Further development of the Professional Competencies Framework for social workers and managers and work with key stakeholders.
- Produce and circulate summary of the Improvement Plan for staff involved in the capability and capacity work stream.""",
    ),
    (
        """\
- The Local Children's Safeguarding Board (LSCB) is developing a new audit programme
- Thames Valley Police have undertaken to chair the Serious Case Review group of the LSCB from 2012
- The sector support work on the Independent Reviewing Officer (IRO) service has been scoped, but the start date has been delayed until January because the sector support lead is involved in the Ofsted announced inspection of Safeguarding and Looked After Children in his own borough.
- The initial workshops run by the sector support project on Quality Assurance and Performance Management have taken place, recommendations will be used in the workshops taking place for all managers and practitioners from January 2012.
- Work has been carried out with parents and children involved in child protection cases to gather their views and use in improving practice.""",
        """\
- Performance reports to be reformatted and tailored to reflect new team structures.
- Sector support interim report on Quality Assurance and Performance Management to be issued.
- In December, the ECS Senior Leadership Group will consider how they can increase their focus on improving outcomes for children, young people and their families and carers through the performance measures they use and this will feed into the new performance framework.
- Short term development plan for IRO service agreed until sector support review begins, focussing on the standard regarding timeliness of reports for CP Conferences (reiterated in the QAF). This is 1 working day prior to Initial CP Conference and 3 working days prior to Review Conferences. IRO's will focus on following up with social workers and the use of the reports in the conference.""",
    ),
    (
        """\
- Partners have been encouraged to be involved in the audit of the Common Assessment Framework.
- The Children's Partnership Board met on 22.11.11 and considered the Sector Support report on Early Intervention and Prevention. CPB members responsible for Early Intervention and Prevention will meet on 13.12. 11 to discuss an Implementation Plan for the Early Intervention Strategy, and partner engagement in delivering that.
- The First Response Hub and Children's Social Care have developed a protocol for their working practice so that staff, partners and customers are clear about the pathway into the system, and it meets with safeguarding requirements.""",
        """\
- Implementation plan for Early Intervention Strategy based on meeting on 13.12.11
- Determine how to use final days available for sector support work.
- Initiate further audit of the Common Assessment Framework.""",
    ),
    (
        """\
- The Improvement Plan has now been made available to all Elected Members and staff following agreement for its release from the IB.
- The Senior Management Team in Education and Children Services (ECS) is focusing on performance in key areas every fortnight.
- A weekly newsletter is now being issued to ECS staff and there has been positive feedback from staff.
- The Children and Young Peoples Plan has been formally agreed at the Children's Partnership Board (CPB).
- Clear remits for the IB, LSCB and the CPB are being agreed as the LSCB review is near completion.""",
        """\
- Recruitment to vacant posts to be progressed and future structure planned.
- Plan implementation of LSCB business plan.
- Bring staff together to discuss the Improvement Plan and their contribution.
- Work on the Medium Term Financial Strategy. Review safeguarding spend within SBC. Review spending across all tiers of the service in SBC and partner agencies to support the Commissioning Strategy
- Begin the review of the CPB based on findings from the LSCB review""",
    ),
]
