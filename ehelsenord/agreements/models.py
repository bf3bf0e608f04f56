"""Agreement rounds, one intent agreement per municipality, its answer, signed versions and history.

Fields change only through agreements.services; a signed agreement is locked there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ehelsenord.agreements.enums import AgreementAction, AgreementStatus, SigningMethod


class AgreementRound(models.Model):
    """A round of intent agreements: the prioritised solutions offered to every municipality."""

    name = models.CharField(_("name"), max_length=120)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    answer_deadline = models.DateField(_("answer deadline"))
    letter_nb = models.TextField(_("letter (bokmål)"))
    letter_nn = models.TextField(_("letter (nynorsk)"))
    solutions = models.ManyToManyField(
        "solutions.Solution", through="RoundOffer", related_name="agreement_rounds", verbose_name=_("solutions")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("agreement round")
        verbose_name_plural = _("agreement rounds")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("agreements:round", args=[self.pk])


class RoundOffer(models.Model):
    """One prioritised solution a round offers, with why it is prioritised."""

    round = models.ForeignKey(AgreementRound, on_delete=models.CASCADE, related_name="offers")
    solution = models.ForeignKey("solutions.Solution", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("why it is prioritised"), max_length=300)
    national_deadline = models.DateField(_("national deadline"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["round_id", "position", "id"]
        verbose_name = _("offered solution")
        verbose_name_plural = _("offered solutions")
        constraints = [models.UniqueConstraint(fields=["round", "solution"], name="round_offer_unique_solution")]

    def __str__(self) -> str:
        return f"{self.round}: {self.solution}"


class IntentAgreement(models.Model):
    """One municipality's intent agreement in a round, with its current answer.

    `revision` counts the changes; every form carries the revision it was rendered from, so a
    second submit or a submit from a stale page changes nothing (services._check_revision).
    """

    round = models.ForeignKey(AgreementRound, on_delete=models.CASCADE, related_name="agreements")
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT, related_name="agreements")
    status = models.CharField(
        _("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT, db_index=True
    )
    # The current answer: a draft while open, the signed content while signed (see AgreementVersion).
    contacts = models.JSONField(_("contact persons"), default=list, blank=True)
    signatory_name = models.CharField(_("signatory's name"), max_length=150, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=150, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    revision = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"))

    class Meta:
        ordering = ["round_id", "municipality_id"]
        verbose_name = _("intent agreement")
        verbose_name_plural = _("intent agreements")
        constraints = [
            models.UniqueConstraint(fields=["round", "municipality"], name="agreement_unique_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.municipality}"

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", args=[self.pk])


class AgreementCommitment(models.Model):
    """A solution the municipality commits to, with the quarter it aims to have it planned for."""

    agreement = models.ForeignKey(IntentAgreement, on_delete=models.CASCADE, related_name="commitments")
    offer = models.ForeignKey(RoundOffer, on_delete=models.PROTECT, related_name="commitments")
    target_quarter = models.DateField(_("target quarter"), help_text=_("The first day of the quarter."))

    class Meta:
        ordering = ["agreement_id", "offer__position", "offer_id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [models.UniqueConstraint(fields=["agreement", "offer"], name="commitment_unique_offer")]

    def __str__(self) -> str:
        return f"{self.agreement}: {self.offer.solution}"


class AgreementVersion(models.Model):
    """One signing of an agreement, frozen: what was signed, by whom, and its fingerprint.

    `content` holds everything the signed letter shows (services.agreement_content); the PDF is
    rendered from it, so an earlier version reads the same after a reopening. `fingerprint` is
    the SHA-256 of its canonical JSON (services.content_fingerprint).
    """

    agreement = models.ForeignKey(IntentAgreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    content = models.JSONField(_("signed content"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    method = models.CharField(_("signed by"), max_length=16, choices=SigningMethod.choices)
    signatory_name = models.CharField(_("signatory's name"), max_length=150)
    signatory_title = models.CharField(_("signatory's title"), max_length=150)
    signed_at = models.DateTimeField(_("signed"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The uploaded scan, kept in the database so that a version and its scan are saved together.
    scan = models.BinaryField(_("signed scan"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["agreement_id", "-number"]
        verbose_name = _("signed version")
        verbose_name_plural = _("signed versions")
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_unique")]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"


class AgreementEvent(models.Model):
    """One entry of an agreement's history: who did what, when, and what changed."""

    agreement = models.ForeignKey(IntentAgreement, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=AgreementAction.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=AgreementStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=AgreementStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement history")

    def __str__(self) -> str:
        return f"{self.agreement}: {self.action}"


class AgreementReminder(models.Model):
    """A reminder e-mailed about an unanswered agreement; one per deadline and threshold, never twice."""

    agreement = models.ForeignKey(IntentAgreement, on_delete=models.CASCADE, related_name="reminders")
    deadline = models.DateField(_("answer deadline"))
    days_before = models.PositiveSmallIntegerField(_("days before the deadline"))
    sent_at = models.DateTimeField(_("sent"))
    recipients = models.JSONField(_("recipients"), default=list)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "deadline", "days_before"], name="agreement_reminder_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement}: {self.days_before}"
