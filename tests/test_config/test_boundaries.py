"""DESIGN.md's boundaries between the apps, held by reading every module's imports.

The rules:
  (a) `projects`, the hub, imports no other app but `reports.services`;
  (b) `risks` and `businessplan` never import each other;
  (c) only `reports` reads every app: `risks` and `businessplan` may import `projects`, and
      `reports` only through `reports.services`;
  (d) no app imports from `config` (settings come from `django.conf.settings`);
  (e) no import cycle between modules inside one app, unless one of the imports that closes
      it carries a comment containing `import cycle:` (on the import's lines or the line
      just above) saying why the cycle is the simpler design.

What counts as an import: `import x` and `from x import y` anywhere in a module (at the top,
inside functions, under `if TYPE_CHECKING:`), relative imports resolved;
`importlib.import_module("x")`; and a model named by string, which ties an app to another as
surely as an import: `ForeignKey("risks.Risk")`, `to=`/`through="risks.Risk"`,
`apps.get_model("risks", "Risk")` or `apps.get_model("risks.Risk")`, and any other string that
reads "<app>.<Model>" (so in `limit_choices_to`, a `GenericRelation`, a setting).

Migrations: their imports are checked (a migration that imports another app's code ties the
schema's history to that code), their model references by string and their `dependencies`
are not. Django reaches another app's models in a migration only through the migration
graph, which requires naming that app's migration; the references mirror the models, which
are checked here, and a data migration such as projects' 0006 (giving the PMO its rights
over the other apps' settings) must name them.

Templates are not read: a page showing another app's data loads that app's template tags,
which is the way DESIGN.md prescribes.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("projects", "risks", "businessplan", "reports")
PACKAGES = (*APPS, "config")  # config is read so that an import of it resolves (rule d)
CYCLE_MARKER = "import cycle:"

# What each app may import from another (a module and everything under it).
ALLOWED = {
    "projects": ("reports.services",),
    "risks": ("projects", "reports.services"),
    "businessplan": ("projects", "reports.services"),
    "reports": ("projects", "risks", "businessplan"),
}
RULES = {
    "projects": "(a) projects imports no other app but reports.services",
    "risks": "(c) only reports reads every app: risks imports only projects, reports.services",
    "businessplan": (
        "(c) only reports reads every app: businessplan imports only projects, reports.services"
    ),
}
MODEL_NAME = re.compile(rf"^({'|'.join(APPS)})\.([A-Za-z_]\w*)$")
RELATION_CALLS = {"ForeignKey", "OneToOneField", "ManyToManyField", "GenericRelation"}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, e.g. "projects.views"
    target: str  # what it imports, resolved, e.g. "reports.services" or "risks.Risk (model)"
    path: str  # the importing file, from the repository's root
    line: int
    kind: str = "import"  # or "model", for a model named by string
    marked: bool = False  # carries the import-cycle marker


def module_name(path):
    parts = list(path.with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def read_tree(root=ROOT, packages=PACKAGES):
    """{module: (path from root, source)} for every module of the packages."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            modules[module_name(relative)] = (relative.as_posix(), path.read_text())
    return modules


def _resolve(module, is_package, node):
    """The absolute module a `from ... import` names, relative levels resolved."""
    if not node.level:
        return node.module
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(node, module, is_package, known):
    """The modules an import statement reaches: `from a import b` reaches a.b when that is a
    module of the tree, else a itself."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = _resolve(module, is_package, node)
    reached = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
    if len(reached) < len(node.names):
        reached.append(base)
    return reached


def _call_name(node):
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _string_references(node):
    """(target, kind) for what a call names by string: a module or a model."""
    name, args = _call_name(node), node.args
    strings = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    keywords = {
        k.arg: k.value.value
        for k in node.keywords
        if isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
    }
    if name == "import_module" and strings:
        return [(strings[0], "import")]
    if name == "get_model" and len(strings) >= 2 and strings[0] in APPS:
        return [(f"{strings[0]}.{strings[1]}", "model")]
    named = []
    if name in RELATION_CALLS | {"get_model"}:
        named = strings[:1] + [keywords.get("to"), keywords.get("through")]
    return [(value, "model") for value in named if value and MODEL_NAME.match(value)]


def imports_of(module, path, source, known=(), check_strings=True):
    """Every import of one module's source, with its line."""
    tree = ast.parse(source, filename=path)
    lines = source.splitlines()
    is_package = path.endswith("__init__.py")

    def marked(node):
        start = max(node.lineno - 2, 0)
        return any(CYCLE_MARKER in line for line in lines[start : node.end_lineno])

    found = set()  # a string met inside a call is met again on its own: counted once
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for target in _targets(node, module, is_package, known):
                found.add(Import(module, target, path, node.lineno, "import", marked(node)))
        elif isinstance(node, ast.Call) and check_strings:
            for target, kind in _string_references(node):
                found.add(Import(module, target, path, node.lineno, kind))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and check_strings:
            match = MODEL_NAME.match(node.value)
            # "risks.Risk" anywhere names a model; "risks.views" in prose or a logger's name
            # does not, so only a capitalised name counts outside the calls above.
            if match and match[2][0].isupper():
                found.add(Import(module, node.value, path, node.lineno, "model"))
    return sorted(found, key=lambda i: (i.line, i.target))


def app_of(module):
    return module.split(".")[0]


def boundary_problem(item):
    """Why an import crosses a boundary (rules a to d), or None."""
    source_app, target_app = app_of(item.source), app_of(item.target)
    if source_app not in APPS or target_app == source_app or target_app not in PACKAGES:
        return None
    if target_app == "config":
        return "(d) no app imports from config"
    allowed = ALLOWED[source_app]
    if item.kind == "import" and any(
        item.target == a or item.target.startswith(a + ".") for a in allowed
    ):
        return None
    if item.kind == "model" and target_app in allowed:
        return None
    if {source_app, target_app} == {"risks", "businessplan"}:
        return "(b) risks and businessplan never import each other"
    return RULES[source_app]


def _strongly_connected(graph):
    """Tarjan's algorithm: the groups of modules that import one another, round and round."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def cycle_problems(items, known):
    """Rule (e): one problem per import inside a cycle of one app's modules; an import that
    carries the marker does not count, so marking one import of a cycle accepts it."""
    edges = [
        i
        for i in items
        if i.kind == "import"
        and i.target in known
        and not i.marked
        and app_of(i.source) == app_of(i.target)
        and i.source != i.target
    ]
    graph = {}
    for edge in edges:
        graph.setdefault(edge.source, set()).add(edge.target)
    problems = []
    for group in _strongly_connected(graph):
        members = " ↔ ".join(sorted(group))
        for edge in edges:
            if edge.source in group and edge.target in group:
                why = (
                    f"(e) import cycle {members}: {edge.source} imports {edge.target} "
                    f"(break it, or say why on one import with '# {CYCLE_MARKER} ...')"
                )
                problems.append((edge, why))
    return problems


def check(modules):
    """Every problem in a tree of {module: (path, source)}, as "path:line: why" lines."""
    items = []
    for module, (path, source) in modules.items():
        in_migrations = ".migrations." in f"{module}."
        items += imports_of(module, path, source, modules, check_strings=not in_migrations)
    problems = cycle_problems(items, modules)
    for item in items:
        why = boundary_problem(item)
        if why:
            by_string = " (a model named by string)" if item.kind == "model" else ""
            problems.append((item, f"{why}: {item.source} imports {item.target}{by_string}"))
    problems = sorted(set(problems), key=lambda p: (p[0].path, p[0].line, p[1]))
    return [f"{item.path}:{item.line}: {why}" for item, why in problems]


def test_the_apps_keep_to_their_boundaries():
    problems = check(read_tree())
    assert not problems, "Imports that break DESIGN.md's boundaries:\n" + "\n".join(problems)


# The checker itself, on small sources, so that the rules are tested without editing the tree.


def test_the_checker_reports_a_forbidden_import_and_a_model_named_by_string():
    source = (
        "from django.db import models\n"
        "from reports.services import request_document\n"
        "\n"
        "def page():\n"
        "    from risks.models import Risk\n"
        "\n"
        "class Thing(models.Model):\n"
        '    risk = models.ForeignKey("risks.Risk", on_delete=models.CASCADE)\n'
        '    plan = models.ForeignKey(to="businessplan.plan", on_delete=models.CASCADE)\n'
        '    doc = models.ManyToManyField("reports.Document", limit_choices_to={"x": 1})\n'
        'OTHER = apps.get_model("risks", "RiskRegister")\n'
    )
    assert check({"projects.things": ("projects/things.py", source)}) == [
        f"projects/things.py:{line}: (a) projects imports no other app but reports.services: "
        f"projects.things imports {target}"
        for line, target in [
            (5, "risks.models"),
            (8, "risks.Risk (a model named by string)"),
            (9, "businessplan.plan (a model named by string)"),
            (10, "reports.Document (a model named by string)"),
            (11, "risks.RiskRegister (a model named by string)"),
        ]
    ]


def test_the_checker_knows_each_rule():
    tree = {
        "risks.views": ("risks/views.py", "from businessplan.models import Plan\n"),
        "businessplan.views": ("businessplan/views.py", "import reports.tasks\n"),
        "reports.views": ("reports/views.py", "from risks import views\nimport config.celery\n"),
        "risks.admin": ("risks/admin.py", "from projects.models import Project\n"),
        "businessplan.admin": ("businessplan/admin.py", "from reports import services\n"),
        "reports.services": ("reports/services.py", ""),
    }
    assert check(tree) == [
        "businessplan/views.py:1: (c) only reports reads every app: businessplan imports only "
        "projects, reports.services: businessplan.views imports reports.tasks",
        "reports/views.py:2: (d) no app imports from config: reports.views imports config.celery",
        "risks/views.py:1: (b) risks and businessplan never import each other: "
        "risks.views imports businessplan.models",
    ]


def test_the_checker_resolves_relative_imports_and_finds_cycles_unless_marked():
    tree = {
        "projects.a": ("projects/a.py", "from . import b\n"),
        "projects.b": ("projects/b.py", "def later():\n    from .pkg.c import x\n"),
        "projects.pkg": ("projects/pkg/__init__.py", "from .c import x\n"),
        "projects.pkg.c": ("projects/pkg/c.py", "from ..a import y\nfrom risks import z\n"),
    }
    problems = check(tree)
    assert [p.split(": (")[0] for p in problems] == [
        "projects/a.py:1",
        "projects/b.py:2",
        "projects/pkg/c.py:1",
        "projects/pkg/c.py:2",
    ]
    assert "(e) import cycle projects.a ↔ projects.b ↔ projects.pkg.c" in problems[0]
    assert "projects.pkg.c imports risks" in problems[3]
    tree["projects.b"] = (
        "projects/b.py",
        "def later():\n    # import cycle: c needs b's helper only when called\n"
        "    from .pkg.c import x\n",
    )
    assert [p.split(": (")[0] for p in check(tree)] == ["projects/pkg/c.py:2"]


def test_migrations_are_read_for_imports_but_not_for_model_names():
    source = 'import risks.scoring\nDEPENDS = ("risks", "0001")\nX = "risks.Risk"\n'
    tree = {"projects.migrations.0009_x": ("projects/migrations/0009_x.py", source)}
    assert [p.split(": (")[0] for p in check(tree)] == ["projects/migrations/0009_x.py:1"]
