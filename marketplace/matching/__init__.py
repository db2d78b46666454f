"""Matching's own rules (ages, places); the ranker still lives in :mod:`marketplace.search.matching`."""
