"""Writes for the public pages: join requests from e-health staff, their decision and the deletion of
their personal data. Every change is audited, and the audit entries hold no personal data: the log
is kept for good, the request's data is deleted after a rejection, as the join form promises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ehelsenord.accounts.models import User
from ehelsenord.accounts.services import invitation_create
from ehelsenord.core.audit import audit_record
from ehelsenord.core.models import AuditEntry
from ehelsenord.municipalities.models import Municipality
from ehelsenord.public.enums import Arena, JoinRequestStatus
from ehelsenord.public.models import JoinRequest

JOIN_TEXT_MAX_LENGTH = 150  # full_name, employer_other and job_title
JOIN_MESSAGE_MAX_LENGTH = 1000  # message and rejection_reason

# The messages the join form and the service share.
NAME_REQUIRED = gettext_lazy("Enter your name.")
NAME_TOO_LONG = gettext_lazy("The name is too long.")
EMAIL_INVALID = gettext_lazy("Enter a valid e-mail address, for example ola.nordmann@kommune.no.")
EMPLOYER_REQUIRED = gettext_lazy("Choose your municipality, or choose “Another employer” and write its name.")
EMPLOYER_BOTH = gettext_lazy(
    "You chose a municipality: leave “Name of the other employer” empty, or choose “Another employer” in the list."
)
EMPLOYER_OTHER_REQUIRED = gettext_lazy("You chose “Another employer”: write its name.")
EMPLOYER_OUTSIDE_REGION = gettext_lazy("Choose a municipality in the region.")
EMPLOYER_TOO_LONG = gettext_lazy("The employer's name is too long.")
JOB_TITLE_REQUIRED = gettext_lazy("Enter your role or position.")
JOB_TITLE_TOO_LONG = gettext_lazy("The role or position is too long.")
ARENAS_REQUIRED = gettext_lazy("Choose at least one arena you want to work in.")
ARENAS_INVALID = gettext_lazy("Choose arenas from the list.")
TEXT_TOO_LONG = gettext_lazy("Write at most %(limit_value)d characters (you wrote %(show_value)d).")
CONSENT_REQUIRED = gettext_lazy(
    "Tick the box to consent to storing your details. Without it we cannot handle the request."
)
REASON_REQUIRED = gettext_lazy("Write why the request is rejected. The person gets the reason by e-mail.")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _require_network_admin(actor: User) -> None:
    if not actor.is_active or not actor.is_network_admin:
        raise PermissionDenied(_("Only network administrators may decide join requests."))


def join_request_decided_message(join_request: JoinRequest) -> str:
    return _("This request is already decided (%(status)s). A decision cannot be changed.") % {
        "status": join_request.get_status_display().lower()
    }


def _lock_pending(join_request: JoinRequest) -> JoinRequest:
    """The request, locked; refused when someone decided it already (two admins, two tabs)."""
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if locked.status != JoinRequestStatus.PENDING:
        raise ValidationError(join_request_decided_message(locked))
    return locked


# --- Submitting ------------------------------------------------------------------------------------


def join_request_errors(
    *,
    full_name: str,
    email: str,
    municipality: Municipality | None,
    employer_other: str,
    job_title: str,
    arenas: Sequence[str],
    message: str,
    consent: bool,
) -> dict[str, str]:
    """What is wrong with a join request, per field (the form checks the same; the service decides)."""
    errors: dict[str, str] = {}
    if not full_name:
        errors["full_name"] = str(NAME_REQUIRED)
    elif len(full_name) > JOIN_TEXT_MAX_LENGTH:
        errors["full_name"] = str(NAME_TOO_LONG)
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = str(EMAIL_INVALID)
    if municipality is None and not employer_other:
        errors["employer"] = str(EMPLOYER_REQUIRED)
    elif municipality is not None and employer_other:
        errors["employer_other"] = str(EMPLOYER_BOTH)
    elif (
        municipality is not None
        and not Municipality.objects.filter(pk=municipality.pk, county__in_region=True).exists()
    ):
        errors["employer"] = str(EMPLOYER_OUTSIDE_REGION)
    elif len(employer_other) > JOIN_TEXT_MAX_LENGTH:
        errors["employer_other"] = str(EMPLOYER_TOO_LONG)
    if not job_title:
        errors["job_title"] = str(JOB_TITLE_REQUIRED)
    elif len(job_title) > JOIN_TEXT_MAX_LENGTH:
        errors["job_title"] = str(JOB_TITLE_TOO_LONG)
    if not arenas:
        errors["arenas"] = str(ARENAS_REQUIRED)
    elif not set(arenas) <= set(Arena.values):
        errors["arenas"] = str(ARENAS_INVALID)
    if len(message) > JOIN_MESSAGE_MAX_LENGTH:
        errors["message"] = str(TEXT_TOO_LONG) % {"limit_value": JOIN_MESSAGE_MAX_LENGTH, "show_value": len(message)}
    if not consent:
        errors["consent"] = str(CONSENT_REQUIRED)
    return errors


def join_request_submit(
    *,
    full_name: str,
    email: str,
    municipality: Municipality | None,
    employer_other: str,
    job_title: str,
    arenas: Iterable[str],
    message: str,
    consent: bool,
    now: datetime | None = None,
) -> JoinRequest:
    """Store a request from the public join form (anonymous: no actor). Sends no e-mail.

    Raises ValidationError (per field, in Norwegian) and stores nothing when the input is wrong.
    """
    now = now or timezone.now()
    full_name = _one_line(full_name)
    email = email.strip().lower()
    employer_other = _one_line(employer_other)
    job_title = _one_line(job_title)
    chosen = set(arenas)
    # Stored in the order of the goals, each once.
    arena_list = [value for value in Arena.values if value in chosen] + sorted(chosen - set(Arena.values))
    message = message.strip()
    errors = join_request_errors(
        full_name=full_name,
        email=email,
        municipality=municipality,
        employer_other=employer_other,
        job_title=job_title,
        arenas=arena_list,
        message=message,
        consent=consent,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        join_request = JoinRequest.objects.create(
            full_name=full_name,
            email=email,
            municipality=municipality,
            employer_other=employer_other,
            job_title=job_title,
            arenas=arena_list,
            message=message,
            consent_at=now,
            submitted_at=now,
            status=JoinRequestStatus.PENDING,
        )
        audit_record(
            actor=None, action="join_request.submitted", obj=join_request, after={"status": join_request.status}
        )
    return join_request


# --- Deciding --------------------------------------------------------------------------------------


def _decide(
    locked: JoinRequest,
    *,
    actor: User,
    status: JoinRequestStatus,
    fields: dict[str, Any],
    audited: dict[str, Any] | None = None,
) -> None:
    """Record a decision on a locked pending request, and audit it without the person's data."""
    locked.status = status
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "decided_by", "decided_at", *fields])
    audit_record(
        actor=actor,
        action=f"join_request.{status}",
        obj=locked,
        before={"status": JoinRequestStatus.PENDING},
        after={"status": status, **(audited or {})},
    )


def join_request_approve(
    *, actor: User, join_request: JoinRequest, role: str, municipalities: Iterable[Municipality] = ()
) -> JoinRequest:
    """Approve a pending request: an invitation with the chosen role goes to the person's address.

    invitation_create checks the role, the municipalities and that the address has no account yet;
    when it refuses (ValidationError), the request stays pending and nothing is sent.
    """
    _require_network_admin(actor)
    chosen = list(municipalities)
    with transaction.atomic():
        locked = _lock_pending(join_request)
        invitation = invitation_create(
            invited_by=actor,
            email=locked.email,
            full_name=locked.full_name,
            role=role,
            municipalities=chosen,
        )
        _decide(
            locked,
            actor=actor,
            status=JoinRequestStatus.APPROVED,
            fields={"invitation": invitation},
            audited={"role": role, "invitation": invitation.pk},
        )
    return locked


def _send_rejection_email(*, join_request_id: int) -> None:
    join_request = JoinRequest.objects.get(pk=join_request_id)
    if join_request.personal_data_deleted_at:
        return
    context = {
        "join_request": join_request,
        "retention_days": settings.JOIN_REQUEST_RETENTION_DAYS,
        "site_url": settings.SITE_URL,
    }
    # The callback may run outside a request: mail is always in Norwegian.
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("public/email/join_rejected_subject.txt", context).split())
        body = render_to_string("public/email/join_rejected_body.txt", context)
    send_mail(subject, body, None, [join_request.email])


def join_request_reject(*, actor: User, join_request: JoinRequest, reason: str) -> JoinRequest:
    """Reject a pending request; the person gets the reason by e-mail once the transaction commits.

    The personal data (the reason included) is deleted JOIN_REQUEST_RETENTION_DAYS later by
    join_requests_delete_personal_data.
    """
    _require_network_admin(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": str(REASON_REQUIRED)})
    if len(reason) > JOIN_MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"reason": str(TEXT_TOO_LONG) % {"limit_value": JOIN_MESSAGE_MAX_LENGTH, "show_value": len(reason)}}
        )
    with transaction.atomic():
        locked = _lock_pending(join_request)
        # The reason is the person's correspondence, deleted with the rest: not in the audit log.
        _decide(locked, actor=actor, status=JoinRequestStatus.REJECTED, fields={"rejection_reason": reason})
        # robust: a mail server that is down is logged; the decision stands.
        transaction.on_commit(partial(_send_rejection_email, join_request_id=locked.pk), robust=True)
    return locked


# --- Deleting personal data ------------------------------------------------------------------------


def join_requests_delete_personal_data(*, now: datetime | None = None) -> int:
    """Empty the personal data of requests rejected more than JOIN_REQUEST_RETENTION_DAYS ago.

    The rows stay (status, dates, the municipality, who decided) so the queue's counts remain true.
    Pending requests are left alone: the person still waits for an answer, and the queue shows the
    oldest first. Approved requests are kept as the record of how the person joined (the join form
    says so). Returns how many requests were emptied; running it again empties nothing twice.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.JOIN_REQUEST_RETENTION_DAYS)
    with transaction.atomic():
        ids = list(
            JoinRequest.objects.select_for_update()
            .filter(status=JoinRequestStatus.REJECTED, decided_at__lt=cutoff, personal_data_deleted_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        JoinRequest.objects.filter(pk__in=ids).update(
            full_name="",
            email="",
            employer_other="",
            job_title="",
            message="",
            rejection_reason="",
            arenas=[],
            personal_data_deleted_at=now,
        )
        # One entry for the run (audit_record describes one object; this is many): ids and count only.
        AuditEntry.objects.create(
            actor=None,
            action="join_request.personal_data_deleted",
            object_type=JoinRequest._meta.label_lower,
            object_id="",
            object_repr=f"{len(ids)} join requests",
            changes={"count": [None, len(ids)], "ids": [None, ids]},
        )
    return len(ids)
