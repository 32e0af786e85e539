from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.Model):
    """What part of the country a user may see: one province, or some facilities."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="scope", verbose_name=_("user"))
    province = models.ForeignKey("geo.Province", null=True, blank=True,
                                 on_delete=models.PROTECT, verbose_name=_("province"))
    facilities = models.ManyToManyField("preparedness.Facility", blank=True,
                                        verbose_name=_("facilities"))

    class Meta:
        verbose_name = _("scope")
        verbose_name_plural = _("scopes")

    def __str__(self):
        return f"{self.user}: {self.province or ''}"
