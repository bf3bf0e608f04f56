from django.db import models


class DemoDataset(models.Model):
    """Present while the fictional demo data is loaded; the interface then shows a marker."""

    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Demo data loaded {self.loaded_at:%Y-%m-%d %H:%M}"
