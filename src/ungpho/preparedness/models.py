from django.db import models
from django.utils.translation import gettext_lazy as _


class Facility(models.Model):
    """A licensed facility (cơ sở). The register is deepened by the risk-registry work."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    licensee = models.CharField(_("licensee"), max_length=200, blank=True)
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT,
                                 verbose_name=_("province"))
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self):
        return self.name
