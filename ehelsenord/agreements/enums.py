from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    OPENED = "opened", _("Opened")
    SIGNED = "signed", _("Signed")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    REOPENED = "reopened", _("Reopened")


# The only status changes there are; services.agreement_transition refuses every other.
TRANSITIONS: dict[str, frozenset[str]] = {
    AgreementStatus.DRAFT: frozenset({AgreementStatus.SENT}),
    AgreementStatus.SENT: frozenset(
        {AgreementStatus.OPENED, AgreementStatus.SIGNED, AgreementStatus.DECLINED, AgreementStatus.EXPIRED}
    ),
    AgreementStatus.OPENED: frozenset({AgreementStatus.SIGNED, AgreementStatus.DECLINED, AgreementStatus.EXPIRED}),
    AgreementStatus.REOPENED: frozenset({AgreementStatus.SIGNED, AgreementStatus.DECLINED, AgreementStatus.EXPIRED}),
    AgreementStatus.SIGNED: frozenset({AgreementStatus.REOPENED}),
    AgreementStatus.DECLINED: frozenset({AgreementStatus.REOPENED}),
    # Reopened by a coordinator, or back to where it was when the deadline is extended.
    AgreementStatus.EXPIRED: frozenset({AgreementStatus.REOPENED, AgreementStatus.SENT, AgreementStatus.OPENED}),
}

# The municipality can answer (save, sign, decline) in these statuses.
OPEN_STATUSES = frozenset({AgreementStatus.SENT, AgreementStatus.OPENED, AgreementStatus.REOPENED})
# Sent but not answered: these get reminders.
UNANSWERED_STATUSES = OPEN_STATUSES
# These close at the answer deadline. A reopened agreement stays open past it: a coordinator opened
# it on purpose, often long after the round's deadline.
EXPIRING_STATUSES = frozenset({AgreementStatus.SENT, AgreementStatus.OPENED})


class AgreementAction(models.TextChoices):
    """What happened to an agreement; each event in its history is one of these."""

    CREATED = "created", _("Created")
    SENT = "sent", _("Sent by e-mail")
    OPENED = "opened", _("Opened")
    SAVED = "saved", _("Answer saved")
    SIGNED = "signed", _("Signed")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    REOPENED = "reopened", _("Reopened")
    DEADLINE_EXTENDED = "deadline_extended", _("Answer deadline extended")
    REMINDED = "reminded", _("Reminder sent")


class SigningMethod(models.TextChoices):
    PLATFORM = "platform", _("Signed in the platform")
    SCAN = "scan", _("Signed scan uploaded")
