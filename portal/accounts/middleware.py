from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """A user with a new or reset password must change it before anything else."""

    allowed_prefixes = ("/accounts/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and user.must_change_password
                and not request.path.startswith(self.allowed_prefixes)):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse
                from django.utils.translation import gettext as _
                return JsonResponse({"detail": _("You must change your password before going on.")}, status=403)
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)
