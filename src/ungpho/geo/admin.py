from django.contrib import admin

from ungpho.geo.models import Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "centre_vi", "population"]
    search_fields = ["name_vi", "name_en", "code"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
