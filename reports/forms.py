from django import forms

from projects.forms import LongSelect, MonthField
from projects.models import Project

KIND_CHOICES = [
    ("board_pack", "Board pack"),
    ("highlight_report", "Highlight report"),
    ("risk_register", "Risk register"),
    ("business_plan", "Business plan"),
]


class DocumentRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=KIND_CHOICES)
    programme = forms.ChoiceField(
        required=False,
        label="Board pack for",
        help_text="A programme, or the whole portfolio.",
        widget=LongSelect,
    )
    project = forms.ChoiceField(
        required=False, label="Project (highlight report)", widget=LongSelect
    )
    period = MonthField(required=False, label="Month")
    register = forms.ChoiceField(required=False, label="Risk register", widget=LongSelect)
    plan = forms.ChoiceField(required=False, label="Business plan")
    internal = forms.BooleanField(required=False, label="Internal version (with document links)")

    def __init__(self, *args, registers=(), plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        projects = Project.objects.order_by("code").values_list("code", "name", "kind")
        projects = [(code, f"{code} {name}", kind) for code, name, kind in projects]
        self.fields["programme"].choices = [("", "The whole portfolio")] + [
            (code, label) for code, label, kind in projects if kind == Project.Kind.PROGRAMME
        ]
        self.fields["project"].choices = [("", "—")] + [
            (code, label) for code, label, _kind in projects
        ]
        self.fields["register"].choices = [("", "—"), *registers]  # (slug, name) pairs
        self.fields["plan"].choices = [("", "—")] + [(p.year, str(p)) for p in plans]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        needs = {
            "board_pack": ["period"],
            "highlight_report": ["project", "period"],
            "risk_register": ["register"],
            "business_plan": ["plan"],
        }.get(kind, [])
        for name in needs:
            if not cleaned.get(name):
                self.add_error(name, "Needed for this kind of document.")
        return cleaned

    def params(self):
        data = self.cleaned_data
        month = data["period"].strftime("%Y-%m") if data.get("period") else None
        return {
            "board_pack": {"programme": data.get("programme") or "", "period": month},
            "highlight_report": {"project": data.get("project"), "period": month},
            "risk_register": {"register": data.get("register")},
            "business_plan": {"plan": data.get("plan"), "internal": data.get("internal")},
        }[data["kind"]]
