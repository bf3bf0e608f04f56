"""Logging in and out, passwords, invitations, the profile and API tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    ChangePasswordForm,
    InvitationForm,
    LoginForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    ProfileForm,
)
from ehelsenord.accounts.models import User
from ehelsenord.accounts.selectors import (
    InvitationState,
    api_token_get_for_user,
    api_token_list,
    invitation_get_by_token,
    invitation_overview,
    invitation_state,
    region_municipalities,
    user_municipality_names,
)
from ehelsenord.accounts.services import (
    InvitationUnusable,
    api_token_create,
    api_token_revoke,
    invitation_accept,
    invitation_create,
    profile_update,
    user_password_set,
)
from ehelsenord.core.http import AuthedRequest
from ehelsenord.core.ratelimit import rate_limit_exceeded
from ehelsenord.core.text import norwegian_key

# Logging in after accepting an invitation needs no password check: the user was just created.
_SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """The Norwegian page for refused access (status 403)."""
    return render(request, "accounts/forbidden.html", {"message": message}, status=403)


def _form_errors_from(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where it names one, else on the form."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


# --- Logging in and out -------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        # A municipality contact comes to update their own municipality: start them there.
        user = self.request.user
        if getattr(user, "role", None) == Role.MUNICIPALITY_CONTACT:
            return reverse("rollout:my_municipality")
        return super().get_default_redirect_url()


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are logged out."))
    return redirect("accounts:login")


# --- Passwords ----------------------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetRequestForm
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # At most a few mails per address an hour, so nobody can flood someone's inbox. The answer
        # is the same either way: the page never tells whether an address has an account.
        if rate_limit_exceeded(
            scope="password-reset",
            key=form.cleaned_data["email"].lower(),
            limit=settings.PASSWORD_RESET_LIMIT_PER_HOUR,
            window_seconds=3600,
        ):
            return redirect(self.success_url)
        # The link is built from SITE_URL, never from the request's Host header.
        self.extra_email_context = {
            "site_url": settings.SITE_URL,
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        user_password_set(user=form.user, password=form.cleaned_data["new_password1"], reset=True)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user_password_set(user=form.user, password=form.cleaned_data["new_password1"], reset=False)
        # Keeps this session; every other session of the user ends.
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password is changed."))
        return HttpResponseRedirect(self.get_success_url())


# --- Invitations -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitations(request: AuthedRequest) -> HttpResponse:
    if not request.user.is_network_admin:
        return forbidden(request, _("Only network administrators may invite new users."))
    form = InvitationForm(request.POST or None, municipalities=region_municipalities())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitation_create(
                invited_by=request.user,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                municipalities=data["municipalities"],
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            days = settings.INVITATION_VALID_DAYS
            messages.success(
                request,
                ngettext(
                    "The invitation is sent to %(email)s. The link works for %(days)d day.",
                    "The invitation is sent to %(email)s. The link works for %(days)d days.",
                    days,
                )
                % {"email": invitation.email, "days": days},
            )
            return redirect("accounts:invitations")
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "form": form,
        "overview": invitation_overview(),
        "invitation_valid_days": settings.INVITATION_VALID_DAYS,
    }
    return render(request, "accounts/invitations.html", context, status=status)


def _invitation_unusable(request: HttpRequest, state: InvitationState | None) -> HttpResponse:
    # 404 for a link we never issued, 410 (gone) for one that was used or has expired.
    status = 404 if state is None else 410
    return render(request, "accounts/invitation_unusable.html", {"state": state}, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_get_by_token(token)
    if invitation is None:
        return _invitation_unusable(request, None)
    state = invitation_state(invitation)
    if state != InvitationState.PENDING:
        return _invitation_unusable(request, state)
    candidate = User(email=invitation.email, full_name=invitation.full_name)
    form = AcceptInvitationForm(request.POST or None, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(invitation=invitation, password=form.cleaned_data["password1"])
        except InvitationUnusable as unusable:
            return _invitation_unusable(request, unusable.state)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            login(request, user, backend=_SESSION_BACKEND)
            messages.success(request, _("Welcome to eHelse Nord, %(name)s!") % {"name": user.full_name})
            return redirect(settings.LOGIN_REDIRECT_URL)
    context = {
        "form": form,
        "invitation": invitation,
        "municipality_names": sorted((str(m) for m in invitation.municipalities.all()), key=norwegian_key),
    }
    return render(request, "accounts/invitation_accept.html", context, status=400 if form.errors else 200)


# --- Profile and API tokens ---------------------------------------------------------------------------


# A new token's secret waits in the (server-side) session only until the redirect's GET shows it.
_NEW_TOKEN_SESSION_KEY = "accounts_new_api_token"  # noqa: S105 - a session key, not a secret


def _profile_page(
    request: AuthedRequest,
    *,
    profile_form: ProfileForm | None = None,
    token_form: ApiTokenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    new_token = request.session.pop(_NEW_TOKEN_SESSION_KEY, "")
    context = {
        "profile_form": profile_form or ProfileForm(initial={"full_name": user.full_name, "title": user.title}),
        "token_form": token_form or ApiTokenForm(),
        "tokens": api_token_list(user),
        "municipality_names": user_municipality_names(user),
        "new_token": new_token,
    }
    response = render(request, "accounts/profile.html", context, status=status)
    if new_token:
        # The secret is on this page only once: keep it out of every cache.
        response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def profile(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        return _profile_page(request)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            profile_update(
                actor=request.user,
                user=request.user,
                full_name=form.cleaned_data["full_name"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    return _profile_page(request, profile_form=form, status=400)


@require_POST
def api_token_create_view(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            _token, raw = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            request.session[_NEW_TOKEN_SESSION_KEY] = raw
            return HttpResponseRedirect(reverse("accounts:profile") + "#tokens-heading")
    return _profile_page(request, token_form=form, status=400)


@require_POST
def api_token_revoke_view(request: AuthedRequest, pk: int) -> HttpResponse:
    token = api_token_get_for_user(request.user, pk)
    api_token_revoke(user=request.user, token=token)
    messages.success(request, _("The API token “%(name)s” is revoked and no longer works.") % {"name": token.name})
    return redirect("accounts:profile")
