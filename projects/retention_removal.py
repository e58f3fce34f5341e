"""What removing a record under the retention schedule takes with it (projects/retention.py):
every row that cascades from it, the history of all of them (rows deleted earlier
included), and the files they kept."""

import logging
from pathlib import Path

from django.apps import apps
from django.db import models

logger = logging.getLogger(__name__)


def gathered(collector):
    """{model: [pk]} of everything the collector will delete."""
    going = {}
    for model, instances in collector.data.items():
        going.setdefault(model, []).extend(obj.pk for obj in instances)
    for queryset in collector.fast_deletes:
        going.setdefault(queryset.model, []).extend(queryset.values_list("pk", flat=True))
    return going


def file_names(model, pks):
    fields = [
        f.attname for f in model._meta.concrete_fields if f.get_internal_type() == "FileField"
    ]
    names = []
    for field_name in fields:
        values = model._base_manager.filter(pk__in=pks).exclude(**{field_name: ""})
        names += [(model, field_name, name) for name in values.values_list(field_name, flat=True)]
    return names


def delete_files(files):
    """After the commit: a file that cannot be deleted is logged, and the rest still go."""
    for file in files:
        try:
            if isinstance(file, tuple):
                model, field_name, name = file
                storage = model._meta.get_field(field_name).storage
                storage.delete(name)
                tidy_folders(storage, name)
            else:
                Path(file).unlink(missing_ok=True)
        except OSError:
            logger.exception("Could not delete %s; the record it belonged to is gone", file)


def tidy_folders(storage, name):
    """A document's folders (documents/<id>/<attempt>/) go with its last file."""
    try:
        folder = Path(storage.path(name)).parent
        root = Path(storage.path(""))
    except NotImplementedError:
        return  # not on a disk
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty
        folder = folder.parent


def tracked(model):
    return getattr(model, "history", None) is not None and hasattr(model.history, "model")


def children(model):
    """(child model, its foreign key's column) for each model with history whose rows go
    when a row of `model` goes (on_delete CASCADE)."""
    found = []
    for candidate in apps.get_models():
        if not tracked(candidate):
            continue
        for field in candidate._meta.concrete_fields:
            if (
                isinstance(field, models.ForeignKey)
                and field.related_model is model
                and field.remote_field.on_delete is models.CASCADE
            ):
                found.append((candidate, field.attname))
    return found


def forget_history(going):
    """Delete the history of everything removed: of each row by its id, and of rows that
    cascaded from it, found through their history (a concern deleted from a report long
    ago still has history naming the report), with their many-to-many history."""
    pending = {model: set(pks) for model, pks in going.items() if pks}
    done = {}
    while pending:
        model, pks = pending.popitem()
        pks -= done.setdefault(model, set())
        if not pks:
            continue
        done[model] |= pks
        for child, column in children(model):
            ids = child.history.model.objects.filter(**{f"{column}__in": pks})
            pending.setdefault(child, set()).update(ids.values_list(child._meta.pk.attname,
                                                                    flat=True))  # fmt: skip
        if tracked(model):
            delete_history(model, pks)


def delete_history(model, pks):
    history = model.history.model
    rows = history.objects.filter(**{f"{model._meta.pk.attname}__in": pks})
    # Many-to-many history points at these rows without a constraint that cascades.
    for relation in history._meta.get_fields(include_hidden=True):
        if relation.one_to_many and relation.auto_created:
            relation.related_model._base_manager.filter(
                **{f"{relation.field.name}__in": rows.values("pk")}
            ).delete()
    rows.delete()
