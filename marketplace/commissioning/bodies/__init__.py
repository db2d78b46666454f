"""Commissioning bodies loaded from a register (``flask commissioning import-bodies FILE``); see ``importer``."""
