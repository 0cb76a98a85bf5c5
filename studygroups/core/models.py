from django.db import models


class DataVersion(models.Model):
    """A number that changes on every committed write to a set of tables.

    Database triggers (`core.versions`) set it, so every write path (services, the
    importer's bulk inserts, queryset `.update()`, admin, cascades) changes it without
    calling anything. Caches of rendered pages put it in their keys: one indexed read
    tells every server process whether what it holds is still current.
    """

    name = models.CharField(max_length=40, primary_key=True)
    number = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.name} {self.number}"
