from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles from KS' regional model for e-health, plus the municipality's own contact and readers."""

    NETWORK_ADMIN = "network_admin", _("Network administrator")
    EHEALTH_CONTACT = "ehealth_contact", _("Contact person e-health")
    IMPLEMENTATION_LEAD = "implementation_lead", _("Implementation lead")
    NETWORK_RESOURCE = "network_resource", _("Network resource")
    MUNICIPALITY_CONTACT = "municipality_contact", _("Municipality contact")
    READER = "reader", _("Reader")


# The roles that coordinate the whole region: they may change every municipality's records.
COORDINATOR_ROLES = frozenset(
    {Role.NETWORK_ADMIN, Role.EHEALTH_CONTACT, Role.IMPLEMENTATION_LEAD, Role.NETWORK_RESOURCE}
)
