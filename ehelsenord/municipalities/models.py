from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ehelsenord.municipalities.enums import WrittenLanguage


class County(models.Model):
    """A county (fylke) of the 2024 structure; number from SSB, kept as a string ("18")."""

    number = models.CharField(_("number"), max_length=2, primary_key=True)
    name = models.CharField(_("official name"), max_length=100)
    name_nb = models.CharField(_("name"), max_length=100)
    in_region = models.BooleanField(_("in the region"), default=False)

    class Meta:
        ordering = ["number"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name_nb


class HealthCommunity(models.Model):
    """A health community (helsefellesskap): a hospital trust and the municipalities it serves.

    Loaded as defaults from data/health_communities.csv; coordinators may change them in the admin.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("health community")
        verbose_name_plural = _("health communities")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipality (kommune) of the 2024 structure; number from SSB, kept as a string ("1804")."""

    number = models.CharField(_("number"), max_length=4, primary_key=True)
    name = models.CharField(_("official name"), max_length=100)
    name_nb = models.CharField(_("Norwegian name"), max_length=100)
    name_other = models.CharField(_("Sámi or Kven name"), max_length=100, blank=True)
    name_other_language = models.CharField(max_length=3, blank=True)
    name_other2 = models.CharField(_("second Sámi or Kven name"), max_length=100, blank=True)
    name_other2_language = models.CharField(max_length=3, blank=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities")
    population = models.PositiveIntegerField(_("population"))
    population_date = models.DateField(_("population as of"))
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=9, decimal_places=2)
    organization_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    in_sami_language_area = models.BooleanField(_("in the Sámi language area"), default=False)
    health_community = models.ForeignKey(
        HealthCommunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("health community"),
    )
    written_language = models.CharField(
        _("written language"), max_length=2, choices=WrittenLanguage.choices, default=WrittenLanguage.BOKMAL
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipalities:detail", args=[self.number])
