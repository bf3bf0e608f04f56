from django.db import models
from django.utils.translation import gettext_lazy as _


class TrafficLight(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DELAYED = "delayed", _("Delayed")


class Evidence(models.TextChoices):
    SELF_REPORTED = "self_reported", _("Self-reported")
    DOCUMENTED = "documented", _("Documented")


class ChangeSource(models.TextChoices):
    WEB = "web", _("Web page")
    IMPORT = "import", _("Spreadsheet import")
    API = "api", _("API")
    AGREEMENT = "agreement", _("Intent agreement")
    DEMO = "demo", _("Demo data")


# The fields of a record that a person can change, in display order, with their names in the interface.
TRACKED_FIELDS = ("phase", "traffic_light", "note", "target_date", "go_live_date", "evidence", "public")
FIELD_LABELS = {
    "phase": _("Phase"),
    "traffic_light": _("Traffic light"),
    "note": _("Note"),
    "target_date": _("Target date"),
    "go_live_date": _("Go-live date"),
    "evidence": _("Evidence"),
    "public": _("Public"),
}
