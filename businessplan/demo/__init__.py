"""The business plan app's demo data (shared/samples/business-plan-front-matter.txt and
business-plan-sample.xlsx, kept beside this module): the front matter as written; the
activities are imported from the workbook."""

import datetime
from pathlib import Path

from businessplan.importers import import_plan
from businessplan.models import BusinessPlan, OwnerRole, StrategicAim
from projects.demo import as_written

WORKBOOK = Path(__file__).resolve().parent / "business-plan-sample.xlsx"

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
USERS = [
    ("niki.maclean", "Niki", "Maclean", "Director of Complaints and Investigations", "C&I", [])
]
ROLES = {"Dir - C&I": ["niki.maclean"]}


def seed(users, stdout):
    """The plan, its aims and activities, and who updates them; a second run changes nothing."""
    plan = as_written(BusinessPlan, {"year": PLAN["year"]}, PLAN)
    for number, text in PLAN_AIMS:
        StrategicAim.objects.update_or_create(plan=plan, number=number, defaults={"text": text})
    outcome = import_plan(plan, WORKBOOK.read_bytes(), WORKBOOK.name)
    for role, usernames in ROLES.items():
        OwnerRole.objects.get(name=role).users.set(users[u] for u in usernames)
    stdout.write(f"  {plan}: {outcome.created} activities created, {outcome.unchanged} unchanged")
