from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, LegalPage, Membership, Neighbourhood, Organization
from .services import legal_pages_ensure


class NeighbourhoodInline(admin.TabularInline):
    model = Neighbourhood
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "population", "is_active"]
    inlines = [NeighbourhoodInline]

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # What organization_create does besides saving: the default legal pages.
            legal_pages_ensure(organization=obj)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["organization", "user", "role", "created_at"]
    list_filter = ["organization", "role"]


admin.site.register(LegalPage)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by the services, never edited by hand (deleting
    an organisation still deletes its log, which the admin asks to confirm)."""

    list_display = ["created_at", "organization", "action", "actor", "actor_role", "target_type"]
    list_filter = ["organization", "action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nobody erases a trace, not even a superuser, one event at a time
