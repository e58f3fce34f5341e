"""Demo content: the SORP project and its August 2011 highlight report, as written in the
council's Word template (shared/samples/highlight-report-sorp-2011.txt). The sample has no
RAG ratings, so the demo report's ratings stay "not rated"."""

import datetime

USERS = [
    # username, first, last, job title, organisation unit, groups
    ("joss.foster", "Joss", "Foster", "Director of Business Strategy", "Business Strategy", []),
    ("liz.sanderson", "Liz", "Sanderson", "", "Business Strategy", []),
    ("director", "Alex", "Morgan", "Corporate Director", "Strategic Management", ["Directors"]),
    ("pmo", "Sam", "Patel", "PMO Manager", "Programme Management Office", ["PMO"]),
]

PROJECT = {
    "code": "SORPv.1",
    "name": "Statements of Required Management Practice (SORPs)",
    "kind": "project",
    "distribution": "Delivery Assurance Team – 7th September",
    "benefits": (
        "SORPs will save managers time and make sure day-to-day tasks are all being done in "
        "the same way. They will help highlight to managers the core requirements in key "
        "policies (e.g. HR Blue Book, Spending the Councils Money), create consistent templates "
        "and provide guidance for tasks that all managers carry out. They will help reduce "
        "duplication and confusion over what is expected and required of managers. They will "
        "become a useful tool to compliment the Kent Manager and HR processes such as "
        "Appraisal, Training & Induction."
    ),
    "objectives": """\
3 Priority SORPs will be launched to all staff by October 2011, covering key management disciplines:

- **SORP 1 – Performance Management**
- **SORP 2 – Business & Financial Planning**
- **SORP 3 - Risk Management**

Further SORPs are in initiation phase for Communication & Consultation, Project Management and \
Customer Focus, with up to 10 planned by April 2012. SORPs will be approved by Delivery \
Assurance Team (DAT).""",
    "approach": (
        "The SORP Focus Group is leading rapid drafting, development and roll out of SORPs. All "
        "SORP Owners are developing content collaboratively with small workshops of staff and "
        "testing ideas with a Challenger peer group and wider Focus Group on the SORPs "
        "SharePoint site. SORPs will be live documents that are launched virtually with "
        "complimentary content on KNet, publicised via KMag and KMail. They will be embedded "
        "via a series of customised events, training & briefings, as set out in the SORPs "
        "Communications Plan (available on SharePoint)."
    ),
}

REPORT = {
    "period_start": datetime.date(2011, 8, 1),
    "period_end": datetime.date(2011, 8, 31),
    "report_date": datetime.date(2011, 8, 30),
    "next_period": """\
- **SORP 2** will be presented to DAT for discussion on 7 September.
- Subject to approval from DAT, **SORP 2** will be launched as a live document for draft implementation in September. This will via an announcement in KMail with a link to a new subpage about SORP 2 on KNet. This will also be a good opportunity to remind staff to view general content on SORPs and SORP 1.
- Continued work with CCCE & SORP Owners to develop useful, time-saving content to add to the '**SORPs Toolbox**' on KNet. This will ensure effective electronic signposting and useful supporting documents for managers e.g. for example a common business plan template and "How to Guides"
- An article will be written for the September edition of **K-Mag** to update staff on SORPs and encourage them to comment on SORPs 1 and 2.
- **Pioneers and Challengers** will continue to be encouraged to cascade key messages about SORPs to their staff, and encourage them to comment on the drafts. They can use the generic SORPs presentation for this (on Pioneer and Challenger SharePoint and KNet.)
- **Change Champions** will continue to be encouraged to promote SORPs, join the SharePoint site and encourage others to comment on the drafts.
- **SORP 3** (Risk Management) is currently being drafted and is due for discussion at DAT on **2<sup>nd</sup> October** (allowing DAT more detailed discussion time per SORP).
- Preparation for Risk Management SORP discussion and launch at 'Risk Management' themed **Challenger** event on 2<sup>nd</sup> November.
- Preparation continues on **SORPs** for Procurement, Project Management, Communications & Consultation and Information Management.""",
    "achievements": """\
### Drafting

- Final comments from DAT on **SORP 1** were incorporated into the final draft before it was launched on KNet in August. It will be refreshed by December to incorporate the constructive feedback from staff.
- **SORP 2** has been redrafted to reflect feedback from DAT's discussions on Balanced Scorecard, CMT and "critical friends" from across the organisation.
- SORP owners are working to a common **SORP Drafting Template**.

### Communicating & Embedding

- The SORPs content on **KNet** is now live and includes introductory information about what SORPs are and how they will help, the 'SORPs Toolbox' for supporting content and a dedicated page for SORP 1 where staff can read the document and leave comments on a message board.
- **SORP 1 was launched** on 11 August via an announcement in K-Mail and link to the new K-Net content.
- The **SORP SharePoint Site** continues to be updated with SORP documentation, latest reports and communications. This has allowed draft SORPs to be viewed and commented on by a wider pool of staff.
- A generic **SORPs presentation** has been added to the Pioneer and Challenger SharePoint sites to support them in cascading the key messages to their staff at divisional and team meetings. SORPs will be referenced at the Challenger event on 2<sup>nd</sup> September.
- **Change Champions** have been invited to join the SharePoint site.
- Several **Divisional Management Teams** have received presentations from SORP Owners.
- An **Equality Impact Assessment** screening and action plan has been completed and the actions are being taken forward.
- SORPs and **Kent Manager** Programme Teams are aligning the communications plans for both programmes.
- The SORPs Programme Team has worked with HR to produce content on SORPs for the new **e-induction**.
- A measure of **compliance** for SORPs is being developed, ensuring this links to internal **audit and review** processes effectively.""",
    "risks_narrative": "*A live Risk Register is kept by the Project Manager and updated monthly.*",
}

CONCERNS = [
    (
        "There is a rapid pace to the development, approval and roll out of SORPs by September "
        "2011 and there has been some slippage from the original timescale set. 3 Priority "
        "SORPs are now to be prepared for DAT – Jul to Oct (was Jul - Sept.)",
        "SORPs Drafting Template is now being used by all SORP Owners which should allow Owners "
        "to draft SORPs that meet requirements without the need for too much lengthy "
        "re-writing. The SORPs SharePoint site allows for drafts to be quickly reviewed by a "
        "large group of staff. A new schedule for taking future SORPs (after SORP 3) to DAT "
        "will be prepared and communicated with all SORP Owners, and stuck to.",
    ),
    (
        "SORPs are not understood or complied with by staff, or staff are not engaged",
        "The Communications plan has been refreshed to provide more opportunities for "
        "face-to-face communication about SORPs and ensure that SORPs are developed in a "
        "collaborative way, with as many staff as possible able to comment and feed in. "
        "Actions include cascade of key messages by Pioneer, Challenger and Change Champions, "
        "useful content and message board on KNet for staff to leave comments on live drafts, "
        "regular features in K-Mail and K-Mag, and integration of SORPs into all Kent Manager "
        "events and communication and various other staff events during 2011. A compliance "
        "measure for SORPs is also being developed.",
    ),
    (
        "SORP content delayed by path dependent aspects e.g. Internal Management Control "
        "Framework workstreams and supporting products like Balanced Scorecard not being "
        "available",
        "Regular communication with SORP owners to identify path dependencies and identify "
        "early any slippage in timescales. SORPs will continue to be developed and launched as "
        "planned, with the development of supporting products being developed ASAP, alongside "
        "the SORPs.",
    ),
]


# --- Safeguarding Improvement Board (shared/samples/highlight-report-safeguarding-2011.txt):
# a project whose progress is grouped by workstream, reported in December 2011 after an
# approved November report (whose RAG is the December report's "Previous month" row).

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

SIB_NOVEMBER = {
    "period_start": datetime.date(2011, 11, 1),
    "period_end": datetime.date(2011, 11, 30),
    "report_date": datetime.date(2011, 11, 30),
    "summary": 'Ratings as recorded in the December 2011 report\'s "Previous month" row.',
    "ratings": {
        "Overall": "Amber",
        "Timeline": "Amber",
        "Budget": "Amber",
        "Issues & Risks": "Amber",
    },
}

SIB_DECEMBER = {
    "period_start": datetime.date(2011, 12, 1),
    "period_end": datetime.date(2011, 12, 31),
    "report_date": datetime.date(2011, 12, 7),
    "percent_complete": 15,
    "ratings": {
        "Overall": "Amber",
        "Timeline": "Amber",
        "Budget": "Green",
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


# --- Culture Action Plan (shared/samples/strategic-highlight-report-culture-2024.txt): a
# programme reporting to Members on five months, October 2023 – February 2024.

CAP_USERS = [("derek.james", "Derek", "James", "DCFO", "", [])]

CAP_PROJECT = {
    "code": "CAP",
    "name": "Culture Action Plan",
    "kind": "programme",
    "governance_body": "Members",
    "reporting_cadence": "as_required",
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


# --- Operational risk register (shared/samples/risk-register-page.txt and
# risk-register-sample.xlsx): imported from the workbook, which lacks the page's
# "Progress so Far", added here.

RISK_USERS = [("robert.smyth", "Robert", "Smyth", "", "Performance and Projects", [])]
RISK_REGISTER = "Performance and Projects"
PP_R011_PROGRESS = """\
These actions are managed and supported by the Digital team and governed by a Digital Project Board. They are also monitored at the monthly Performance Board.

### Progress so far

- A Digital Dacorum Strategy and Implementation Plan have been launched
- Our new website has gone live (Project 1)
- We improved the content on our website and reduced the number of pages (Project 2)
- An online solution for benefits, green waste charging, allotments and reports of homelessness has been launched (Project 3&4)
- An LGA funded research project to develop options for channel shift has been completed (Project 6)
- A detailed action plan has been developed for supporting digital inclusion (Project 7)
- A new social media strategy has been developed and implemented (project 8)
- Direct debits have been extended and a new payment portal has been introduced (Project 9)
- Proposals are in place for developing a new CRM solution (Project 10)"""

# The risk appetite statement of the business plan sample's front matter.
APPETITE_STATEMENT = (
    "Our current overall risk appetite is defined as 'Open'. This means the SPSO will continue "
    "to encourage new thinking and invest in people, systems and processes that will enable the "
    "organisation to achieve continuous improvement in the quality and user-focus of our services"
)


# --- Business plan (shared/samples/business-plan-front-matter.txt and
# business-plan-sample.xlsx): the front matter as written; the activities are imported from
# the workbook (copied into businessplan/demo/).

PLAN = {
    "organisation": "Scottish Public Services Ombudsman",
    "title": "SPSO Business Plan",
    "year": "2019-20",
    "start": datetime.date(2019, 4, 1),
    "end": datetime.date(2020, 3, 31),
    "status": "published",
    "strapline": "Putting people at the heart of public services",
    "introduction": "This document sets out the Scottish Public Services Ombudsman's annual business plan for the period from 1 April 2019 to 31 March 2020. It sets out what we will do this year towards delivery of our strategic vision and aims. It should be read in conjunction with our Strategic Plan 2016-2020.",
    "vision": "The Scottish Public Services Ombudsman contributes actively and positively to Scotland's development and delivery of first class public services: putting people and learning at the heart of what we do by being innovative and world-leading in our approach to complaints, reviews and standards.",
    "values": "- ✓ We will work **independently** and **fairly**\n- ✓ We are **people-focused** and **value integrity** and **respect**\n- ✓ We **value learning** and **improvement**",
    "equalities": "1. Take proactive steps to identify and reduce potential barriers to ensure that our service is accessible to all.\n2. Identify common equality issues (explicit and implicit) within complaints or reviews brought to our office and feed back learning from such cases to all stakeholders.\n   Ensure that we inform people who are taking forward a complaint or review of their rights and of any available support, and that we encourage public authorities to do the same.\n3. Ensure that we play our part in ensuring that service providers understand their duties to promote equality within their complaints handling and review procedures.\n4. Monitor the diversity of our workforce and supply chain, and take positive steps where under-representation exists.",
    "risk_appetite": "Our current overall risk appetite is defined as 'Open'. This means the SPSO will continue to encourage new thinking and invest in people, systems and processes that will enable the organisation to achieve continuous improvement in the quality and user-focus of our services",
    "resources": "Total SPSO budget for 2019-20 is £4,205k, broken down as follows:\n\n- Total staff costs £3,615,586\n- Total running costs £669,414\n- Less Total estimated income £80,000\n\nAdditionally, we will receive £300k to manage the Bridgeside House accommodation on behalf of SPSO, SHRC and CYPCS.",
    "glossary": "BAU: Business as Usual\n\nPriority: Relative priority\n\n- **Statutory**, must do\n- **Statutory/High**, part statutory part business high priority\n- **High**, high strategic or business high priority (have a choice but achievement of strategic aims and business will suffer if not done)\n- **Medium**, medium strategic or business high priority (have a choice about whether to do)\n- **Low**, low business priority (have a choice about whether to do)\n\nLT: Leadership team\n\nC&I: Complaints and investigations\n\nCorp Serv/ Services: Corporate Services\n\nISE: Improvement, Standards and Engagement\n\nSWF: Scottish Welfare Fund\n\nSPSO: the Ombudsman\n\nDir-: Director (followed by main operational area, e.g. Dir-C&I)\n\nHoISE: Head of Improvement, Standards and Engagement",
}
PLAN_AIMS = [
    (
        1,
        "Be recognised and consulted as a world-leading Ombudsman service of independent accessible experts with a reputation for: being run transparently and efficiently, governed effectively, and leading by example in the delivery of the full range of statutory functions.",
    ),
    (
        2,
        "Develop organisational capacity to: deliver existing statutory functions efficiently, proportionately and effectively, and develop and adopt new, or enhanced, services and functions.",
    ),
    (
        3,
        "Drive improvement in Scottish public services by setting and applying high complaints handling and review standards and promoting a culture and practice where learning and improvement from complaints or reviews is embedded in practice, governance and organisational systems.",
    ),
    (
        4,
        "Enable and support the Scottish public sector to achieve and maintain high standards of policy and practice through a combination of sharing learning from SPSO complaints and reviews, monitoring, advice and guidance, training and appropriate collaboration.",
    ),
    (
        5,
        "Through active engagement, help people know about their rights to complain or request a review, and help them understand what standards and level of services they can expect and how to access them easily and responsibly.",
    ),
]
# People who post the C&I updates (the "Dir - C&I" role).
PLAN_USERS = [
    ("niki.maclean", "Niki", "Maclean", "Director of Complaints and Investigations", "C&I", [])
]
PLAN_ROLES = {"Dir - C&I": ["niki.maclean"]}
