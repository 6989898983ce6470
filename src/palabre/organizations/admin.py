from django.contrib import admin

from .models import LegalPage, Membership, Neighbourhood, Organization


class NeighbourhoodInline(admin.TabularInline):
    model = Neighbourhood
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "population", "is_active"]
    inlines = [NeighbourhoodInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["organization", "user", "role", "created_at"]
    list_filter = ["organization", "role"]


admin.site.register(LegalPage)
