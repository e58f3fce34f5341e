"""The base of every inline formset: it refuses rows that no page of ours sends.

Django trusts a formset's management form: raise TOTAL_FORMS and an extra form saves a
row (a RAG line with no dimension: an IntegrityError, a 500); repeat a row's id and two
forms write one row, the last silently winning or resurrecting a row another form
deletes; put another report's row id in a form and its changes are dropped without a word;
lower INITIAL_FORMS and every row is saved again as a copy. Here each of those is a clear
error on the form, and nothing is saved.
"""

from django import forms

ROWS_CHANGED = (
    "Nothing was saved: this form's rows do not match what is stored (a row was removed "
    "since you opened the page, or the form was altered). Your changes are still below to "
    "copy; open the page again to start from what is stored."
)


class GuardedInlineFormSet(forms.BaseInlineFormSet):
    """An inline formset whose posted rows must be the page's own: every existing row once,
    by an id of this parent's rows, and new rows with no id. A formset whose rows Highlight
    makes itself (one RAG line per dimension) sets `fixed_rows` to the sentence saying so,
    and then refuses any new row."""

    fixed_rows = ""  # when set: no row may be added, and this sentence says why

    def clean(self):
        super().clean()
        if self.fixed_rows and self.total_form_count() > self.initial_form_count():
            raise forms.ValidationError(self.fixed_rows)
        if not self.rows_are_the_pages_own():
            raise forms.ValidationError(ROWS_CHANGED)

    def rows_are_the_pages_own(self):
        stored = {str(pk) for pk in self.get_queryset().values_list("pk", flat=True)}
        seen = set()
        for index, form in enumerate(self.forms):
            posted = str(form.data.get(form.add_prefix(self._pk_field.name)) or "").strip()
            if index >= self.initial_form_count():
                if posted:
                    return False  # a new row that names a stored one
                continue
            if posted not in stored or posted in seen:
                return False  # missing, another parent's, or sent twice
            seen.add(posted)
        return True
