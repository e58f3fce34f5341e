"""The form of one RAID item: the fields every kind has, and those of its own kind (who
took a decision, the issue an action deals with, the project a dependency waits on)."""

from django import forms
from django.db.models import Q

from ..models import Project, RaidItem, User
from .fields import MARKDOWN_HELP, BoundedModelForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STALE = (
    "Someone else changed this item after you opened it. Nothing was saved: open it again "
    "to see their change, then make yours."
)
# Fields only one kind has: on any other kind they are cleared, whatever was posted.
OWN_FIELDS = {
    "for_board": RaidItem.Kind.DECISION,
    "decided_by": RaidItem.Kind.DECISION,
    "decided_on": RaidItem.Kind.DECISION,
    "issue": RaidItem.Kind.ACTION,
    "depends_on": RaidItem.Kind.DEPENDENCY,
}


class RaidItemForm(BoundedModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RaidItem
        fields = ["kind", "title", "description", "owner", "priority", "status", "raised_on",
                  "due", "resolution", "for_board", "decided_by", "decided_on", "issue",
                  "depends_on"]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "resolution": forms.Textarea(attrs={"rows": 3}),
            "raised_on": DATE, "due": DATE, "decided_on": DATE,
        }  # fmt: skip

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project
        # Active people, and the owner it has (who may have left since): an edit of its
        # status must not drop them without a word.
        owners = Q(is_active=True)
        if self.instance.owner_id:
            owners |= Q(pk=self.instance.owner_id)
        self.fields["owner"].queryset = User.objects.filter(owners)
        self.fields["issue"].queryset = project.raid.filter(kind=RaidItem.Kind.ISSUE)
        self.fields["depends_on"].queryset = Project.objects.exclude(pk=project.pk)
        for name in ("description", "resolution"):
            self.fields[name].help_text = MARKDOWN_HELP
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            # Its number is its kind's: I3 does not become A3.
            self.fields["kind"].disabled = True

    def clean_title(self):
        # One line: a title is printed in lists, PDFs and plain-text emails.
        return " ".join(self.cleaned_data["title"].split())

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        for name, own_kind in OWN_FIELDS.items():
            if kind != own_kind:
                cleaned[name] = self.fields[name].to_python(None) if name != "for_board" else False
        raised, due = cleaned.get("raised_on"), cleaned.get("due")
        if raised and due and due < raised:
            self.add_error("due", "It cannot be due before it was raised.")
        closing = cleaned.get("status") == RaidItem.Status.CLOSED
        if closing and not (cleaned.get("resolution") or "").strip():
            self.add_error("resolution", "Say how it was resolved before closing it.")
        if (
            kind == RaidItem.Kind.DECISION
            and closing
            and not (cleaned.get("decided_by") and cleaned.get("decided_on"))
        ):
            self.add_error("decided_by", "Say who took the decision, and when, before closing it.")
        stale = cleaned.get("version") != self.instance.version
        if self.instance.pk and self.has_changed() and stale:
            raise forms.ValidationError(STALE)
        return cleaned

    def _post_clean(self):
        # The kind-only fields cleared in clean() reach the instance too.
        super()._post_clean()
        for name in OWN_FIELDS:
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])

    def save(self, commit=True):
        if self.instance.pk and self.has_changed():
            self.instance.version += 1
        return super().save(commit)
