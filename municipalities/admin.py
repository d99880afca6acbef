from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from municipalities.models import Municipality, Organisation


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ("number", "name", "sami_name", "population", "district_index", "region")
    search_fields = ("number", "name", "sami_name")
    list_filter = ("region", "is_demo")


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "kind", "organisation_number", "is_partner")
    list_filter = ("kind", "is_partner")
    search_fields = ("name", "short_name", "organisation_number")
