from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ehelsenord.rollout.enums import ChangeSource, Evidence, TrafficLight


class Implementation(models.Model):
    """The atom: where one municipality stands with one solution.

    A municipality without a record for a solution is at the first phase of the solution's
    template; the record is created by the first change (rollout.services.implementation_update).
    """

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="implementations"
    )
    solution = models.ForeignKey("solutions.Solution", on_delete=models.PROTECT, related_name="implementations")
    phase = models.ForeignKey("solutions.Phase", on_delete=models.PROTECT, related_name="+")
    traffic_light = models.CharField(
        _("traffic light"), max_length=10, choices=TrafficLight.choices, default=TrafficLight.ON_TRACK
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    go_live_date = models.DateField(_("go-live date"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=16, choices=Evidence.choices, default=Evidence.SELF_REPORTED)
    # The municipality's choice to show this record's phase on the public pages (after the embargo).
    public = models.BooleanField(_("public"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), db_index=True)

    class Meta:
        ordering = ["municipality_id", "solution__position"]
        verbose_name = _("implementation record")
        verbose_name_plural = _("implementation records")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "solution"], name="implementation_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.solution}"

    def get_absolute_url(self) -> str:
        return reverse("rollout:record", args=[self.municipality_id, self.solution.slug])


class ImplementationChange(models.Model):
    """One changed field of a record: who, when, before and after (raw values, see TRACKED_FIELDS)."""

    implementation = models.ForeignKey(Implementation, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(_("time"), db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(_("source"), max_length=16, choices=ChangeSource.choices)
    field = models.CharField(_("field"), max_length=20)
    old_value = models.CharField(_("before"), max_length=200, blank=True)
    new_value = models.CharField(_("after"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # Set when a signed intent agreement made the change: the history links back to what was signed.
    agreement_version = models.ForeignKey(
        "agreements.AgreementVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")

    def __str__(self) -> str:
        return f"{self.implementation}: {self.field}"
