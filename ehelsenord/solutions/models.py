from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ehelsenord.solutions.enums import SolutionKind, SolutionStatus, Stage, StatutoryStatus


class PhaseTemplate(models.Model):
    """An ordered list of phases a solution's rollout goes through."""

    slug = models.SlugField(_("key"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("phase template")
        verbose_name_plural = _("phase templates")

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    """One phase of a template, mapped to a stage of the common scale."""

    template = models.ForeignKey(PhaseTemplate, on_delete=models.CASCADE, related_name="phases")
    key = models.SlugField(_("key"))
    name = models.CharField(_("name"), max_length=60)
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["template_id", "position"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="phase_unique_key"),
            models.UniqueConstraint(fields=["template", "position"], name="phase_unique_position"),
        ]

    def __str__(self) -> str:
        return self.name


class Solution(models.Model):
    """A national e-health solution or welfare technology that municipalities take into use."""

    slug = models.SlugField(_("key"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=24)
    kind = models.CharField(_("kind"), max_length=20, choices=SolutionKind.choices)
    description = models.TextField(_("description"))
    owner = models.CharField(_("owner"), max_length=120)
    services = models.JSONField(_("municipal services that use it"), default=list, blank=True)
    statutory = models.CharField(_("statutory status"), max_length=20, choices=StatutoryStatus.choices)
    statutory_note = models.CharField(_("about the statutory status"), max_length=300, blank=True)
    prerequisites = models.ManyToManyField(
        "self", verbose_name=_("prerequisites"), symmetrical=False, blank=True, related_name="required_by"
    )
    source_url = models.URLField(_("source"), max_length=400)
    status = models.CharField(_("status"), max_length=20, choices=SolutionStatus.choices)
    status_note = models.CharField(_("about the status"), max_length=300, blank=True)
    phase_template = models.ForeignKey(PhaseTemplate, on_delete=models.PROTECT, related_name="solutions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("solutions:detail", args=[self.slug])

    @property
    def is_historical(self) -> bool:
        return self.status == SolutionStatus.HISTORICAL
