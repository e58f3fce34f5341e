from django.utils.functional import SimpleLazyObject

from . import access, markings
from .models import Organisation


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_is_pmo": access.is_pmo(user), "user_is_director": access.is_director(user)}


def organisation(request):
    """Who Highlight works for (navigation bar) and the banner's marking for pages that
    show no single marked object (worked out only on those pages)."""
    return {
        "organisation": Organisation.current(),
        "system_marking": SimpleLazyObject(markings.in_use),
    }
