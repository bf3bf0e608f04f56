"""Buddy networks (kompisnettverk): proposals from the optimizer, the networks, their plans and meetings.

Fields change only through networks.services (proposals) and networks.workspace (plans, meetings).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid

from django.conf import settings as django_settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class TravelTime(models.Model):
    """Minutes from one municipality to another, uploaded by a coordinator as a whole matrix."""

    origin = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE, related_name="+")
    destination = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveIntegerField(_("minutes"))

    class Meta:
        verbose_name = _("travel time")
        verbose_name_plural = _("travel times")
        constraints = [
            models.UniqueConstraint(fields=["origin", "destination"], name="travel_time_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.origin_id} → {self.destination_id}: {self.minutes}"


class NetworkProposal(models.Model):
    """One run of the optimizer for a solution, and the coordinator's adjustments until confirmed.

    `settings` holds optimizer.Settings as a dict; `participants` the numbers that take part and
    `marked_eligible` those a coordinator marked as possible leads. `proposed` is the solver's
    assignment (member number → lead number); `assignment` the adjusted one that is confirmed.
    """

    solution = models.ForeignKey("solutions.Solution", on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(
        "agreements.AgreementRound", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    settings = models.JSONField(_("settings"))
    uses_travel_times = models.BooleanField(_("uses the travel-time matrix"), default=False)
    participants = models.JSONField(_("participants"))
    marked_eligible = models.JSONField(_("marked as possible leads"), default=list)
    status = models.CharField(_("solver status"), max_length=12)
    objective = models.FloatField(_("objective"), null=True)
    bound = models.FloatField(_("best bound"), null=True)
    solve_seconds = models.FloatField(_("solve time (s)"))
    problems = models.JSONField(_("problems"), default=list)
    proposed = models.JSONField(_("proposed assignment"), default=dict)
    assignment = models.JSONField(_("adjusted assignment"), default=dict)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("network proposal")
        verbose_name_plural = _("network proposals")

    def __str__(self) -> str:
        return f"{self.solution} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("networks:proposal", args=[self.pk])

    @property
    def revision(self) -> str:
        """Names the adjusted assignment; a form carries it so a change to a changed proposal is refused."""
        text = json.dumps(self.assignment, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def gap_percent(self) -> float | None:
        """How far the solver's objective may be above the optimum, in per cent of the objective."""
        if self.objective is None or self.bound is None:
            return None
        return 100 * (self.objective - self.bound) / max(abs(self.objective), 1e-9)


class BuddyNetwork(models.Model):
    """A small group of municipalities implementing one solution together, with one lead."""

    name = models.CharField(_("name"), max_length=120)
    solution = models.ForeignKey("solutions.Solution", on_delete=models.PROTECT, related_name="networks")
    round = models.ForeignKey(
        "agreements.AgreementRound", on_delete=models.SET_NULL, null=True, blank=True, related_name="networks"
    )
    lead = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="led_networks", verbose_name=_("lead")
    )
    members = models.ManyToManyField(
        "municipalities.Municipality", through="NetworkMembership", related_name="networks"
    )
    proposal = models.ForeignKey(
        NetworkProposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="networks"
    )
    # The secret part of the calendar feed's address, so calendar apps can subscribe without a login.
    feed_token = models.CharField(max_length=40, unique=True, default=_feed_token)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["solution__position", "name"]
        verbose_name = _("buddy network")
        verbose_name_plural = _("buddy networks")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:detail", args=[self.pk])


class NetworkMembership(models.Model):
    """A municipality in a network. A municipality is in at most one network per solution."""

    network = models.ForeignKey(BuddyNetwork, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT, related_name="+")
    # The network's solution, repeated so the database can hold "one network per solution".
    solution = models.ForeignKey("solutions.Solution", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["network_id", "municipality__name"]
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "solution"], name="membership_one_network_per_solution"),
        ]

    def __str__(self) -> str:
        return f"{self.network}: {self.municipality}"


class Milestone(models.Model):
    """One step of the network's plan: a phase of the solution's template with a target date."""

    network = models.ForeignKey(BuddyNetwork, on_delete=models.CASCADE, related_name="milestones")
    phase = models.ForeignKey("solutions.Phase", on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("target date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["network_id", "phase__position"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.UniqueConstraint(fields=["network", "phase"], name="milestone_unique_phase")]

    def __str__(self) -> str:
        return f"{self.network}: {self.phase}"


class Meeting(models.Model):
    """A network meeting: when, where, the agenda, minutes, decisions and who attended."""

    network = models.ForeignKey(BuddyNetwork, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=150)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), max_length=400, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    attendees = models.ManyToManyField(
        django_settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("attendees")
    )
    other_attendees = models.CharField(_("other attendees"), max_length=400, blank=True)
    # Stable identity and revision for calendar files (RFC 5545 UID and SEQUENCE).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["network_id", "starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("networks:meeting", args=[self.network_id, self.pk])


class AgendaItem(models.Model):
    """An item on a meeting's agenda: free text, optionally about one member's record."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("item"), max_length=300)
    implementation = models.ForeignKey(
        "rollout.Implementation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about the record of"),
    )

    class Meta:
        ordering = ["meeting_id", "position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.text


class Decision(models.Model):
    """A decision recorded at a meeting; the network page lists them all."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("decision"), max_length=500)

    class Meta:
        ordering = ["meeting_id", "position"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text
