"""Small modules and short functions (issue 15's limits): an app module over 400 lines is
split by concern, and a function over 60 lines is split into steps, except the few that are
declarative tables (one long literal), each named here with its reason."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("config", "projects", "risks", "businessplan", "reports")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# (module, function): why it may be longer. At most three.
DECLARATIVE_TABLES = {}


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def long_functions(source, limit=MAX_FUNCTION_LINES):
    """(name, first line, length) of each function longer than `limit` lines."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                yield node.name, node.lineno, length


def test_no_app_module_is_over_400_lines():
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in app_modules()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert not long, "Split these modules by concern:\n" + "\n".join(long)


def test_no_function_is_over_60_lines_but_a_few_declarative_tables():
    assert len(DECLARATIVE_TABLES) <= 3
    long = [
        f"{path.relative_to(ROOT)}:{line} {name}() is {length} lines"
        for path in app_modules()
        for name, line, length in long_functions(path.read_text())
        if (str(path.relative_to(ROOT)), name) not in DECLARATIVE_TABLES
    ]
    assert not long, "Split these functions into steps:\n" + "\n".join(long)


@pytest.mark.parametrize(("lines", "found"), [(60, []), (61, [("report", 1, 61)])])
def test_the_function_check_counts_every_line_of_a_function(lines, found):
    body = "\n".join("    x = 1" for _ in range(lines - 2))
    source = f"def report():\n{body}\n    return x\n"
    assert list(long_functions(source)) == found
