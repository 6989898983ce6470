from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import LegalPage, Membership, Neighbourhood, Organization
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
