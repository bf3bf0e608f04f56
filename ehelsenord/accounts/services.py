"""Writes to accounts: invitations, roles, profiles, passwords and API tokens. Every change is audited."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.models import ApiToken, Invitation, User
from ehelsenord.accounts.selectors import InvitationState, invitation_state, token_hash
from ehelsenord.core.audit import audit_record
from ehelsenord.core.text import norwegian_key
from ehelsenord.municipalities.models import Municipality

NAME_MAX_LENGTH = 150  # User.full_name, User.title and Invitation.full_name
API_TOKEN_START = "ehn_"  # noqa: S105 - a public marker that makes leaked tokens easy to spot
API_TOKEN_PREFIX_LENGTH = 12
API_TOKEN_NAME_MAX_LENGTH = 100
# A token used again within this window does not write last_used_at again: one write a minute
# at most, whatever the request rate.
API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def _names(municipalities: Iterable[Municipality]) -> list[str]:
    return sorted((str(municipality) for municipality in municipalities), key=norwegian_key)


def _require_network_admin(actor: User, message: str) -> None:
    if not actor.is_active or not actor.is_network_admin:
        raise PermissionDenied(message)


def role_municipalities_errors(role: str, municipalities: Iterable[Municipality]) -> dict[str, str]:
    """The rule tying roles to municipalities, shared by invitations, role changes and the admin.

    A municipality contact speaks for one or more municipalities of the region; every other role
    either covers the whole region or only reads, so it has none.
    """
    chosen = list(municipalities)
    if role not in Role.values:
        return {"role": _("Choose a role from the list.")}
    if role == Role.MUNICIPALITY_CONTACT:
        if not chosen:
            return {"municipalities": _("Choose at least one municipality for a municipality contact.")}
        outside = Municipality.objects.filter(pk__in=[m.pk for m in chosen], county__in_region=False)
        if outside.exists():
            return {"municipalities": _("Choose municipalities in the region only.")}
    elif chosen:
        return {
            "municipalities": _("Only municipality contacts are tied to municipalities. Remove the municipalities.")
        }
    return {}


# --- Invitations ---------------------------------------------------------------------------------


def invitation_link(raw_token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation_accept", args=[raw_token])


def _send_invitation_email(*, invitation_id: int, raw_token: str) -> None:
    invitation = (
        Invitation.objects.select_related("invited_by").prefetch_related("municipalities").get(pk=invitation_id)
    )
    context = {
        "invitation": invitation,
        "inviter": invitation.invited_by.full_name if invitation.invited_by else "eHelse Nord",
        "role": invitation.get_role_display(),
        "municipalities": ", ".join(_names(invitation.municipalities.all())),
        "link": invitation_link(raw_token),
        "site_url": settings.SITE_URL,
        "region_name": settings.REGION_NAME,
    }
    # The callback may run outside a request (a command, a worker): mail is always in Norwegian.
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("accounts/email/invitation_subject.txt", context).split())
        body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])


def invitation_create(
    *,
    invited_by: User,
    email: str,
    full_name: str,
    role: str,
    municipalities: Iterable[Municipality] = (),
) -> Invitation:
    """Store an invitation (only the token's hash) and e-mail the link once the transaction commits."""
    _require_network_admin(invited_by, _("Only network administrators may invite new users."))
    email = email.strip().lower()
    full_name = " ".join(full_name.split())
    chosen = list(municipalities)
    errors: dict[str, str] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid e-mail address.")
    if "email" not in errors and User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("%(email)s already has an account.") % {"email": email}
    if not full_name:
        errors["full_name"] = _("Enter the person's name.")
    elif len(full_name) > NAME_MAX_LENGTH:
        errors["full_name"] = _("The name is too long.")
    errors.update(role_municipalities_errors(role, chosen))
    if errors:
        raise ValidationError(errors)

    raw_token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            full_name=full_name,
            role=role,
            token_hash=token_hash(raw_token),
            invited_by=invited_by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        invitation.municipalities.set(chosen)
        audit_record(
            actor=invited_by,
            action="invitation.created",
            obj=invitation,
            after={
                "email": email,
                "full_name": full_name,
                "role": role,
                "municipalities": _names(chosen),
                "expires_at": invitation.expires_at.isoformat(),
            },
        )
        # robust: a mail server that is down is logged, and the stored invitation stays valid.
        transaction.on_commit(
            partial(_send_invitation_email, invitation_id=invitation.pk, raw_token=raw_token), robust=True
        )
    return invitation


class InvitationUnusable(Exception):
    """The invitation cannot be accepted: used, expired, or the e-mail got an account meanwhile."""

    def __init__(self, state: InvitationState) -> None:
        super().__init__(state)
        self.state = state


def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Create the invited person's account with the invitation's role and municipalities.

    Raises InvitationUnusable (nothing changes) when the link was used, has expired or the
    address has an account by now, and ValidationError when the password is too weak.
    """
    with transaction.atomic():
        # Locked so that two clicks on the same link cannot create two accounts.
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        state = invitation_state(locked)
        if state != InvitationState.PENDING:
            raise InvitationUnusable(state)
        if User.objects.filter(email__iexact=locked.email).exists():
            raise InvitationUnusable(InvitationState.ACCOUNT_EXISTS)
        municipalities = list(locked.municipalities.all())
        is_admin = locked.role == Role.NETWORK_ADMIN
        candidate = User(email=locked.email, full_name=locked.full_name)
        validate_password(password, user=candidate)
        user = User.objects.create_user(
            locked.email,
            password,
            full_name=locked.full_name,
            role=locked.role,
            is_staff=is_admin,
            is_superuser=is_admin,
        )
        user.municipalities.set(municipalities)
        locked.accepted_at = timezone.now()
        locked.accepted_user = user
        locked.save(update_fields=["accepted_at", "accepted_user"])
        audit_record(
            actor=user,
            action="invitation.accepted",
            obj=locked,
            before={"accepted_user": None},
            after={"accepted_user": user.email},
        )
        audit_record(
            actor=user,
            action="user.created",
            obj=user,
            after={
                "email": user.email,
                "full_name": user.full_name,
                "role": user.role,
                "municipalities": _names(municipalities),
                "invited_by": str(locked.invited_by) if locked.invited_by_id else None,
            },
        )
    return user


# --- Users -----------------------------------------------------------------------------------------


def _other_active_admins(user: User) -> bool:
    return User.objects.filter(role=Role.NETWORK_ADMIN, is_active=True).exclude(pk=user.pk).exists()


def user_change_errors(
    *, actor: User, user: User, role: str, municipalities: Iterable[Municipality], is_active: bool
) -> dict[str, str]:
    """What is wrong with giving user this role, these municipalities and this active state.

    The last active network administrator cannot lose the role or be deactivated, or nobody
    could run the admin; nobody deactivates their own account by mistake.
    """
    errors = role_municipalities_errors(role, municipalities)
    if not is_active and user.pk == actor.pk:
        errors["is_active"] = _("You cannot deactivate your own account.")
    elif user.is_network_admin and user.is_active and not _other_active_admins(user):
        if role != Role.NETWORK_ADMIN:
            errors.setdefault("role", _("There must be at least one active network administrator."))
        elif not is_active:
            errors["is_active"] = _("There must be at least one active network administrator.")
    return errors


def user_set_role(*, actor: User, user: User, role: str, municipalities: Iterable[Municipality] = ()) -> User:
    """Give a user a role (and the municipalities a municipality contact speaks for).

    Admin access (is_staff, is_superuser) follows the role: exactly network administrators have it.
    """
    _require_network_admin(actor, _("Only network administrators may change roles."))
    chosen = list(municipalities)
    errors = user_change_errors(actor=actor, user=user, role=role, municipalities=chosen, is_active=user.is_active)
    if errors:
        raise ValidationError(errors)
    is_admin = role == Role.NETWORK_ADMIN
    with transaction.atomic():
        before = {
            "role": user.role,
            "municipalities": _names(user.municipalities.all()),
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
        }
        after = {"role": role, "municipalities": _names(chosen), "is_staff": is_admin, "is_superuser": is_admin}
        if before == after:
            return user
        user.role = role
        user.is_staff = is_admin
        user.is_superuser = is_admin
        user.save(update_fields=["role", "is_staff", "is_superuser"])
        user.municipalities.set(chosen)
        audit_record(actor=actor, action="user.role_changed", obj=user, before=before, after=after)
    return user


def user_set_active(*, actor: User, user: User, is_active: bool) -> User:
    """Deactivate (or reactivate) an account; a deactivated user cannot log in or use API tokens."""
    _require_network_admin(actor, _("Only network administrators may deactivate users."))
    if user.is_active == is_active:
        return user
    errors = user_change_errors(
        actor=actor, user=user, role=user.role, municipalities=list(user.municipalities.all()), is_active=is_active
    )
    if "is_active" in errors:
        raise ValidationError({"is_active": errors["is_active"]})
    with transaction.atomic():
        before = {"is_active": user.is_active}
        user.is_active = is_active
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="user.active_changed", obj=user, before=before, after={"is_active": is_active})
    return user


def profile_update(*, actor: User, user: User, full_name: str, title: str) -> User:
    """Change a user's name and title: the user themself, or a network administrator."""
    if actor.pk != user.pk:
        _require_network_admin(actor, _("You may change only your own profile."))
    full_name = " ".join(full_name.split())
    title = " ".join(title.split())
    errors: dict[str, str] = {}
    if not full_name:
        errors["full_name"] = _("Enter your name.")
    elif len(full_name) > NAME_MAX_LENGTH:
        errors["full_name"] = _("The name is too long.")
    if len(title) > NAME_MAX_LENGTH:
        errors["title"] = _("The title is too long.")
    if errors:
        raise ValidationError(errors)
    before = {"full_name": user.full_name, "title": user.title}
    after = {"full_name": full_name, "title": title}
    if before == after:
        return user
    with transaction.atomic():
        user.full_name = full_name
        user.title = title
        user.save(update_fields=["full_name", "title"])
        audit_record(actor=actor, action="user.profile_changed", obj=user, before=before, after=after)
    return user


def user_password_set(*, user: User, password: str, reset: bool) -> User:
    """Store a new (already validated) password; the audit log notes that it changed, never the value."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="user.password_reset" if reset else "user.password_changed", obj=user)
    return user


# --- API tokens -------------------------------------------------------------------------------------


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token. Returns the token and its secret, which is never stored or shown again."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the token a name, so you know later where it is used.")})
    if len(name) > API_TOKEN_NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": _("The name can be at most %(max)d characters.") % {"max": API_TOKEN_NAME_MAX_LENGTH}}
        )
    raw = API_TOKEN_START + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:API_TOKEN_PREFIX_LENGTH], token_hash=token_hash(raw)
        )
        audit_record(actor=user, action="api_token.created", obj=token, after={"name": name, "prefix": token.prefix})
    return token, raw


def api_token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner may, and so may a network administrator. Revoking twice changes nothing."""
    if token.user_id != user.pk:
        _require_network_admin(user, _("You may revoke only your own API tokens."))
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=user,
            action="api_token.revoked",
            obj=token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat()},
        )
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None for unknown, revoked or deactivated ones.

    The lookup is by the token's hash, so response time does not depend on how much of a
    guessed token matches a stored one. last_used_at is written at most once a minute.
    """
    if not raw or not raw.startswith(API_TOKEN_START) or len(raw) > 100:
        return None
    digest = token_hash(raw)
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= API_TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user
