from . import access


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_is_pmo": access.is_pmo(user), "user_is_director": access.is_director(user)}
