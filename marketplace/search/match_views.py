"""match_views (to be written)."""
