from django.db import models
from django.utils.translation import gettext_lazy as _


class WrittenLanguage(models.TextChoices):
    """A municipality's written language (målform): which version of a letter it gets."""

    BOKMAL = "nb", _("Bokmål")
    NYNORSK = "nn", _("Nynorsk")
