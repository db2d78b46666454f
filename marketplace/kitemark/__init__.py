"""Kitemark: Arts Council assessment of trustworthy listings (applications, reviews, lifecycle)."""
