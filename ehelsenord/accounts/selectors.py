"""Reads of invitations, users and API tokens."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from ehelsenord.accounts.models import ApiToken, Invitation, User
from ehelsenord.core.text import norwegian_key
from ehelsenord.municipalities.models import Municipality
from ehelsenord.municipalities.selectors import Area, Scope, municipality_list


class InvitationState(StrEnum):
    PENDING = "pending"
    EXPIRED = "expired"
    ACCEPTED = "accepted"
    # The address got an account some other way after the invitation was sent.
    ACCOUNT_EXISTS = "account_exists"


def token_hash(raw: str) -> str:
    """The SHA-256 hex digest stored instead of a secret token (invitation links, API tokens)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def invitation_state(invitation: Invitation) -> InvitationState:
    if invitation.accepted_at is not None:
        return InvitationState.ACCEPTED
    if invitation.expires_at <= timezone.now():
        return InvitationState.EXPIRED
    return InvitationState.PENDING


def invitation_get_by_token(raw_token: str) -> Invitation | None:
    """The invitation a link's token belongs to (found by the token's hash), or None."""
    if not raw_token or len(raw_token) > 100:
        return None
    return Invitation.objects.prefetch_related("municipalities").filter(token_hash=token_hash(raw_token)).first()


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    state: InvitationState
    municipality_names: list[str]


@dataclass(frozen=True)
class InvitationOverview:
    pending: list[InvitationRow]
    expired: list[InvitationRow]
    accepted: list[InvitationRow]


def invitation_overview() -> InvitationOverview:
    """Every invitation, grouped by state, newest first (two queries whatever their number)."""
    invitations = Invitation.objects.select_related("invited_by", "accepted_user").prefetch_related("municipalities")
    groups: dict[InvitationState, list[InvitationRow]] = {state: [] for state in InvitationState}
    for invitation in invitations.order_by("-created_at", "-id"):
        state = invitation_state(invitation)
        names = sorted((str(m) for m in invitation.municipalities.all()), key=norwegian_key)
        groups[state].append(InvitationRow(invitation=invitation, state=state, municipality_names=names))
    return InvitationOverview(
        pending=groups[InvitationState.PENDING],
        expired=groups[InvitationState.EXPIRED],
        accepted=groups[InvitationState.ACCEPTED],
    )


def region_municipalities() -> list[Municipality]:
    """The municipalities a municipality contact can be tied to, in Norwegian order."""
    return municipality_list(Area(Scope.REGION))


def user_municipality_names(user: User) -> list[str]:
    return sorted((str(m) for m in user.municipalities.all()), key=norwegian_key)


def api_token_list(user: User) -> QuerySet[ApiToken]:
    """The user's tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at", "-id")


def api_token_get_for_user(user: User, pk: int) -> ApiToken:
    """One of the user's own tokens; another person's token is as unknown as a missing one."""
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise Http404("API-nøkkelen finnes ikke.")
    return token
