"""Cross-cutting pieces: permissions, errors, templating, time helpers and the public pages."""
