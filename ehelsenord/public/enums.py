from django.db import models
from django.utils.translation import gettext_lazy as _


class Arena(models.TextChoices):
    """eHelse Nord's six goals: the arenas a person who joins can work in."""

    COORDINATION = "koordinering", _("Coordinating the rollout of national e-health solutions")
    EXPERIENCE = "erfaring", _("Sharing experience and best practice")
    STANDARDS = "standarder", _("Certification and standardisation")
    INNOVATION = "innovasjon", _("Assessing innovation areas and new technology")
    BENEFITS = "gevinster", _("Assessing benefits and consequences of technology")
    FUTURE = "fremtid", _("Future scenarios for changed ways of working")


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
