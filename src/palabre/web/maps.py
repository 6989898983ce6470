"""Map settings for pages that show or pick a point (None when no tile server is set)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from palabre.organizations.models import Organization

FRANCE = (46.6, 2.4, 5)


def map_settings(organization: Organization) -> dict[str, Any] | None:
    if not settings.PALABRE_MAP_TILE_URL:
        return None
    lat, lon, zoom = FRANCE
    if organization.map_latitude is not None and organization.map_longitude is not None:
        lat, lon, zoom = (
            float(organization.map_latitude),
            float(organization.map_longitude),
            organization.map_zoom,
        )
    return {
        "tiles": settings.PALABRE_MAP_TILE_URL,
        "attribution": settings.PALABRE_MAP_ATTRIBUTION,
        "lat": lat,
        "lon": lon,
        "zoom": zoom,
    }
