from django.db import models
from django.utils.translation import gettext_lazy as _

from ungpho.platform.i18n import localized


class Province(models.Model):
    """A provincial unit in force since 2025-07-01 (Nghị quyết 202/2025/QH15).

    Reference data: kept in step with the package data by ``provinces_sync`` after every
    migrate. The boundary stays in the package data (``ungpho.core.geo.provinces``).
    """

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name_vi = models.CharField(_("Vietnamese name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10)
    centre_vi = models.CharField(_("administrative centre"), max_length=120)
    centre_lat = models.FloatField()
    centre_lon = models.FloatField()
    former = models.JSONField(_("former provinces merged into it"), default=list)
    population = models.PositiveIntegerField(_("population"))
    area_km2 = models.FloatField(_("area (km²)"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_vi, self.name_en)
