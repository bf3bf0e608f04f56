from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The common scale every phase maps to, so that different solutions can be added up.

    Declared in order: a later stage means further along. NOT_RELEVANT stands apart.
    """

    NOT_STARTED = "not_started", _("Not started")
    PLANNED = "planned", _("Planned")
    PREPARING = "preparing", _("Preparing")
    PILOTING = "piloting", _("Piloting")
    IN_PRODUCTION = "in_production", _("In production")
    REALISING_BENEFITS = "realising_benefits", _("Realising benefits")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


STAGE_ORDER = {stage: index for index, stage in enumerate(Stage)}
# Stages that count as "in use": the municipality runs the solution in its services.
IN_USE_STAGES = frozenset({Stage.IN_PRODUCTION, Stage.REALISING_BENEFITS})


class SolutionKind(models.TextChoices):
    EHEALTH = "ehelse", _("National e-health solution")
    WELFARE_TECHNOLOGY = "velferdsteknologi", _("Welfare technology")


class StatutoryStatus(models.TextChoices):
    REQUIRED = "required", _("Required for all municipal health services")
    REQUIRED_SOME = "required_some", _("Required for some services")
    PAYMENT_DUTY = "payment_duty", _("Municipalities must pay")
    NOT_REQUIRED = "not_required", _("Not required")
    UNCLEAR = "unclear", _("Not settled")


class SolutionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PHASING_OUT = "phasing_out", _("Being replaced")
    HISTORICAL = "historical", _("Historical")
