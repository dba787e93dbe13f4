from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audits.models import Audit, Rating


class RatingInline(admin.StackedInline):
    model = Rating
    fields = ["skill", "value", "note", "updated_at"]
    readonly_fields = ["skill", "value", "note", "updated_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    """Audits are people's own words: staff with the audit permissions may look, not edit."""

    list_display = ["public_id", "owner", "track", "created_at", "completed_at"]
    list_filter = ["track", ("completed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["owner", "track"]
    search_fields = ["public_id", "owner__username"]
    readonly_fields = ["public_id", "owner", "track", "created_at", "updated_at", "completed_at"]
    inlines = [RatingInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
