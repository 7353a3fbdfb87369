"""The API's endpoint families, one blueprint module each (registered by api.app.create_app)."""
from __future__ import annotations

from api.routes import hospitals, meta, nearest, places, services

BLUEPRINTS = (meta.bp, services.bp, places.bp, nearest.bp, hospitals.bp)
