from tests.test_businessplan.test_plans import imported, plan  # noqa: F401
