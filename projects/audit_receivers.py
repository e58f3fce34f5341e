"""What the audit hears from Django itself: sign-ins and sign-outs, admin actions, and changes
of rights, passwords and sponsors, by whichever page, admin form or command makes them."""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import signals as auth_signals
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from . import audit, notifications, sessions
from .audit import Kind, Outcome
from .models import Project, User

RIGHTS = ("is_active", "is_staff", "is_superuser")


def signed_in(sender, request, user, **kwargs):
    method = getattr(request, "signed_in_by", "password")  # projects/sso.py sets it
    audit.record(Kind.SIGN_IN, request=request, actor=user, obj=user, description=f"By {method}.")


def sign_in_failed(sender, credentials, request=None, **kwargs):
    # Anyone may type anyone's username: the attempt is on that account, not by it. Who
    # tried is unknown; the account is the object, so "what did alice do" lists none of it.
    typed = str(credentials.get("username", ""))[:150]
    account = User.objects.filter(username=typed).first()
    audit.record(
        Kind.SIGN_IN_FAILED,
        request=request,
        actor_name="",
        object_type="projects.user",
        object_id=account.pk if account else "",
        object_repr=f"account {typed}" if account else f"no account {typed}",
        outcome=Outcome.FAILURE,
        description="Second factor: a wrong code, or one used already."
        if credentials.get("second_factor")
        else "By password: wrong username or password, or the account is locked.",
    )


def signed_out(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, "session_ended", None)
        audit.record(Kind.SIGN_OUT, request=request, actor=user, obj=user,
                     description=f"Signed out {sessions.why_ended(reason)}." if reason
                     else "")  # fmt: skip


def admin_action(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    action = {1: "Added", 2: "Changed", 3: "Deleted"}.get(instance.action_flag, "Acted on")
    message = instance.get_change_message()
    audit.record(
        Kind.ADMIN,
        actor=instance.user,
        object_type=instance.content_type.model_class()._meta.label_lower
        if instance.content_type_id and instance.content_type.model_class()
        else "",
        object_id=instance.object_id or "",
        object_repr=instance.object_repr,
        description=f"{action} in the admin" + (f": {message}" if message else "."),
    )


def _before(sender, instance, fields):
    """The saved values of `fields`, kept on the instance for the post_save receiver."""
    if instance.pk is None:
        return None
    return sender.objects.filter(pk=instance.pk).values(*fields).first()


def user_before(sender, instance, raw=False, update_fields=None, **kwargs):
    watched = (*RIGHTS, "password")
    if raw or (update_fields is not None and not set(update_fields) & set(watched)):
        instance._audit_before = None  # a sign-in's last_login: nothing to compare
        return
    instance._audit_before = _before(sender, instance, watched)


def user_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_audit_before", None)
    if created:
        # An account is a right in itself: who made it, and with what.
        rights = [f"{f.replace('is_', '')} on" for f in RIGHTS[1:] if getattr(instance, f)]
        rights += [] if instance.is_active else ["inactive"]
        audit.record(Kind.RIGHTS, obj=instance,
                     description="Account created" + (f": {', '.join(rights)}." if rights
                                                      else "."))  # fmt: skip
    elif before:
        changes = [
            f"{field.replace('is_', '')} {'on' if getattr(instance, field) else 'off'}"
            for field in RIGHTS
            if before[field] != getattr(instance, field)
        ]
        if changes:
            audit.record(Kind.RIGHTS, obj=instance, description="; ".join(changes) + ".")
        if _disabled(before["password"], instance):
            _password_disabled(instance)
    # Django keeps the new password's plain text in _password between set_password() and
    # the save that stores it; a hash upgrade at sign-in clears it first, so is not counted.
    if getattr(instance, "_password", None) is not None:
        _password_changed(instance, created)


def _password_changed(user, created):
    request = audit.current_request()
    actor = audit._signed_in(request) if request else None
    if request is not None and (actor is None or actor.pk == user.pk):
        # Their own change, or the reset link from their email (signed out).
        audit.record(Kind.PASSWORD_RESET, request=request, actor=user, obj=user)
        return
    where = "in the admin" if actor else "on the command line"
    audit.record(
        Kind.PASSWORD_SET,
        request=request,
        actor=actor,
        obj=user,
        description=f"{'Set with the new account' if created else 'Set'} {where}.",
    )


def _disabled(before, user):
    """Signing in with a password was possible and no longer is (set_unusable_password)."""
    return (
        bool(before)
        and not before.startswith(UNUSABLE_PASSWORD_PREFIX)
        and not (user.has_usable_password())
    )


def _password_disabled(user):
    request = audit.current_request()
    actor = audit._signed_in(request) if request else None
    where = "in the admin" if actor else "on the command line"
    audit.record(Kind.PASSWORD_SET, request=request, actor=actor, obj=user,
                 description=f"Password disabled {where}: signing in with one is no longer "
                 "possible.")  # fmt: skip


def groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A person's groups (PMO, Directors) or permissions changed, from either side."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    verb = "added to" if action == "post_add" else "removed from"
    if reverse:  # group.user_set.add(person)
        people = model.objects.filter(pk__in=pk_set) if pk_set else instance.user_set.all()
        for person in people:
            audit.record(Kind.RIGHTS, obj=person, description=f"{verb.capitalize()} {instance}.")
        return
    if action == "pre_clear":
        field = next(f for f in User._meta.many_to_many if f.remote_field.through is sender)
        names = [str(o) for o in getattr(instance, field.name).all()]
    else:
        names = [str(o) for o in model.objects.filter(pk__in=pk_set or [])]
    if names:
        audit.record(
            Kind.RIGHTS, obj=instance, description=f"{verb.capitalize()} {', '.join(names)}."
        )


def editors_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """An editor reads every draft of the project and writes its reports: a right."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # person.editable_projects.add(project)
        pairs = [(p, instance) for p in model.objects.filter(pk__in=pk_set or [])]
    else:
        people = (instance.editors.all() if action == "pre_clear"
                  else model.objects.filter(pk__in=pk_set or []))  # fmt: skip
        pairs = [(instance, person) for person in people]
    verb = "Made an editor of" if action == "post_add" else "No longer an editor of"
    for project, person in pairs:
        audit.record(Kind.RIGHTS, obj=person, description=f"{verb} {project.code}.")


def group_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A group given or denied a permission: every member's rights change."""
    if action not in ("post_add", "post_remove", "pre_clear") or reverse:
        return
    names = (
        [str(p) for p in instance.permissions.all()] if action == "pre_clear"
        else [str(p) for p in model.objects.filter(pk__in=pk_set or [])]
    )  # fmt: skip
    verb = "given" if action == "post_add" else "denied"
    if names:
        audit.record(Kind.RIGHTS, obj=instance,
                     description=f"Group {verb} {', '.join(names)}.")  # fmt: skip


def group_deleted(sender, instance, **kwargs):
    """Deleting a group takes it from every member, with no m2m_changed of its own."""
    for person in instance.user_set.all():
        audit.record(Kind.RIGHTS, obj=person,
                     description=f"Removed from {instance}: the group was deleted.")  # fmt: skip


def watch_admin_deletions(site):
    """Django logs the deletion of several objects at once with bulk_create, which sends no
    post_save, so admin_action hears nothing of it: each admin's log_deletions is wrapped
    to record them. (Adding and changing are one object at a time, and heard.)"""
    for model_admin in site._registry.values():
        model_admin.log_deletions = _recording(model_admin.log_deletions)


def _recording(log_deletions):
    def logged(request, queryset):
        entries = log_deletions(request, queryset)
        if isinstance(entries, list) and len(entries) > 1:
            for entry in entries:
                admin_action(LogEntry, entry, created=True)
        return entries

    return logged


def project_before(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and "sponsor" not in update_fields):
        instance._audit_sponsor_known = False  # an earlier save's state must not linger
        return
    before = _before(sender, instance, ["sponsor_id", "manager_id"])
    # A new project's first sponsor is recorded (and told) as a change from nobody.
    instance._audit_sponsor = before["sponsor_id"] if before else None
    instance._audit_manager = before["manager_id"] if before else instance.manager_id
    instance._audit_sponsor_known = True


def project_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not getattr(instance, "_audit_sponsor_known", False):
        return
    instance._audit_sponsor_known = False
    if instance._audit_manager != instance.manager_id:
        # The manager writes the reports and names editors: a right on the project.
        old = User.objects.filter(pk=instance._audit_manager).first()
        audit.record(Kind.RIGHTS, obj=instance, description=f"Manager changed from "
                     f"{_name(old)} to {_name(instance.manager)}.")  # fmt: skip
    old_id = instance._audit_sponsor
    if old_id == instance.sponsor_id:
        return
    old = User.objects.filter(pk=old_id).first() if old_id else None
    new = instance.sponsor
    audit.record(
        Kind.SPONSOR,
        obj=instance,
        description=f"Sponsor of the new project: {_name(new)}."
        if created
        else f"Sponsor changed from {_name(old)} to {_name(new)}.",
    )
    by = audit._signed_in(audit.current_request())
    if created and by is None:
        return  # a project made by a command (the demo, an import): nobody to tell of it
    notifications.sponsor_changed(instance, old, new, by)


def _name(user):
    # The username too: two accounts may carry the same name.
    return (
        f"{user.get_full_name() or user.get_username()} ({user.get_username()})"
        if user
        else "nobody"
    )


def connect():
    auth_signals.user_logged_in.connect(signed_in, dispatch_uid="audit-in")
    auth_signals.user_login_failed.connect(sign_in_failed, dispatch_uid="audit-failed")
    auth_signals.user_logged_out.connect(signed_out, dispatch_uid="audit-out")
    post_save.connect(admin_action, sender=LogEntry, dispatch_uid="audit-admin")
    pre_save.connect(user_before, sender=User, dispatch_uid="audit-user-before")
    post_save.connect(user_saved, sender=User, dispatch_uid="audit-user")
    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(groups_changed, sender=through, dispatch_uid=f"audit-{through}")
    pre_save.connect(project_before, sender=Project, dispatch_uid="audit-project-before")
    post_save.connect(project_saved, sender=Project, dispatch_uid="audit-project")
    m2m_changed.connect(editors_changed, sender=Project.editors.through,
                        dispatch_uid="audit-editors")  # fmt: skip
    m2m_changed.connect(group_permissions_changed, sender=Group.permissions.through,
                        dispatch_uid="audit-group-permissions")  # fmt: skip
    pre_delete.connect(group_deleted, sender=Group, dispatch_uid="audit-group-deleted")
    watch_admin_deletions(admin.site)
