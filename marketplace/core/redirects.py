"""Safe post-sign-in redirects: only paths on this site, never another host."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next_path(target: str | None) -> str | None:
    if not target or len(target) > 500:
        return None
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
