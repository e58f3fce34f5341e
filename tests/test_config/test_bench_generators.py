"""The bench workbook generators must keep producing files our importers accept in full,
or the import timings in bench notes would measure refusals."""

import importlib.util
from pathlib import Path

from businessplan.importers import import_plan
from risks.importers import import_register
from risks.models import RiskMatrix
from tests.factories import BusinessPlanFactory, RiskRegisterFactory

BENCH = Path(__file__).resolve().parents[2] / "bench"


def generator(name):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_register_imports_every_row(db, alice, tmp_path):
    path = tmp_path / "register.xlsx"
    generator("make_risk_register").write(60, path)
    register = RiskRegisterFactory(
        name="Bench", matrix=RiskMatrix.objects.get(name="4x4"), owner=alice
    )
    outcome = import_register(register, path.read_bytes(), path.name)
    assert outcome.errors == [] and outcome.created == 60
    assert register.risks.count() == 60


def test_generated_plan_imports_every_activity(db, tmp_path):
    path = tmp_path / "plan.xlsx"
    generator("make_business_plan").write(40, 4, path)
    plan = BusinessPlanFactory(title="Bench plan", year="2019-20")
    outcome = import_plan(plan, path.read_bytes(), path.name)
    assert outcome.errors == []
    assert plan.sections.count() == 4
    assert sum(section.activities.count() for section in plan.sections.all()) == 40


def test_the_onboarding_bench_imports_every_row_and_removes_what_it_made(db, pam):
    from projects.models import HighlightReport, Project, User

    people = User.objects.count()
    timings = generator("onboarding").measure(runs=1)
    assert timings["rag_history_2_years"]["rows"] == 80 * 24 * 4  # the four seeded dimensions
    assert all(len(t["runs"]) == 1 for t in timings.values())
    # measure() raises unless every import made all it should; and it leaves nothing behind.
    assert User.objects.count() == people
    assert not Project.objects.exists() and not HighlightReport.objects.exists()
