"""area_views (to be written)."""
