from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ehelsenord.public.enums import JoinRequestStatus


class JoinRequest(models.Model):
    """A request from e-health staff to take part, sent from the public join form.

    Network administrators approve it (an invitation is sent) or reject it with a reason. The
    personal data of a rejected request is deleted JOIN_REQUEST_RETENTION_DAYS after the decision
    (delete_join_requests); the row stays, emptied, so the queue's counts remain true.
    """

    full_name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), max_length=254)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employer (municipality)"),
    )
    employer_other = models.CharField(_("employer (other)"), max_length=150, blank=True)
    job_title = models.CharField(_("role or position"), max_length=150)
    arenas = models.JSONField(_("arenas"), default=list, blank=True)
    message = models.TextField(_("what they want to work on"), max_length=1000, blank=True)
    consent_at = models.DateTimeField(_("consent given"))
    submitted_at = models.DateTimeField(_("submitted"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejecting"), max_length=1000, blank=True)
    invitation = models.ForeignKey(
        "accounts.Invitation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    personal_data_deleted_at = models.DateTimeField(_("personal data deleted"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")

    def __str__(self) -> str:
        # Never the person's name: str() lands in the audit log, which keeps no data we promise to delete.
        return _("Join request %(id)s") % {"id": self.pk}

    @property
    def employer(self) -> str:
        return str(self.municipality) if self.municipality_id else self.employer_other
