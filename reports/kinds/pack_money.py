"""The board pack's finance summary (issue 20): each project's financial year as its
approved report froze it, grouped by programme with their totals and the pack's, and each
variance in words and, beyond the PMO's tolerances, in its RAG colour named."""

from projects import finance, tolerances

from .base import rag

OUTSIDE = "Projects outside a programme"
NO_TOTAL = finance.figures(None, None, None)


def pack_money(project, data, anchor, in_full):
    """A project's line of the finance summary, from its approved report (its last year's
    total, "—" where a line of it lacks the figure); None when it printed no money."""
    money = data.get("money") or {}
    if not money.get("lines"):
        return None
    total = money.get("total") or {}
    figures = {name: total.get(name) for name in finance.FIGURES}
    beyond = tolerances.for_money(money)
    # A programme's own money is in its own group, beside its projects'.
    home = project if project.kind == project.Kind.PROGRAMME else project.parent
    return {
        "code": project.code, "project": project.name,
        "programme": home.name if home else "", "programme_code": home.code if home else "",
        "anchor": anchor if in_full else "", "year_label": money["year_label"],
        **figures, **finance.figures(*figures.values()),
        "beyond": rag(beyond.status) if beyond else None,
        "beyond_why": beyond.reason if beyond else "",
    }  # fmt: skip


def finance_summary(lines):
    """The lines by programme (those outside one last), each group with its total, and the
    total of them all. {} when no report printed a budget."""
    lines = [line for line in lines if line]
    if not lines:
        return {}
    groups = {}
    for line in sorted(lines, key=lambda line: line["code"]):
        # By code: two programmes may share a name.
        key = (not line["programme_code"], line["programme"], line["programme_code"])
        groups.setdefault(key, []).append(line)
    years = sorted({line["year_label"] for line in lines})
    # Different financial years are never added up (a quarterly report may be for last
    # year's last quarter): then there are no totals.
    adds_up = len(years) == 1
    return {
        "year_label": lines[0]["year_label"], "years": years, "adds_up": adds_up,
        "groups": [
            {"name": name or OUTSIDE, "lines": group,
             "total": _total(group) if adds_up else NO_TOTAL}
            for (_, name, _code), group in sorted(groups.items())
        ],
        "total": _total(lines) if adds_up else NO_TOTAL,
        "beyond": sum(bool(line["beyond"]) for line in lines),
    }  # fmt: skip


def _total(lines):
    sums = [finance.add(line[name] for line in lines) for name in finance.FIGURES]
    return finance.figures(*sums)
