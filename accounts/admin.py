from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("organisation", "municipalities")}),
    )
    filter_horizontal = (*BaseUserAdmin.filter_horizontal, "municipalities")
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_staff")
    list_filter = (*BaseUserAdmin.list_filter, "municipalities")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """For operations to see and revoke keys; advisers make them in the portal, where the
    key is shown once (the admin never sees more than its first characters)."""

    list_display = ("name", "user", "token_key", "created", "expiry", "last_used_at")
    list_filter = ("user",)
    search_fields = ("name", "token_key", "user__username")
    fields = ("name", "user", "token_key", "created_by", "created", "expiry", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
