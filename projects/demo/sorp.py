"""The SORP project and its August 2011 highlight report, as written in the council's Word
template (shared/samples/highlight-report-sorp-2011.txt). The sample has no RAG ratings, so
the demo report's ratings stay "not rated"."""

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
