from django.contrib import admin

from .models import Phase, Process, Theme


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "template", "status", "visibility"]
    list_filter = ["organization", "status", "template"]
    inlines = [PhaseInline]


admin.site.register(Theme)
