"""A small fixed-window rate limit on the cache (Redis in production when REDIS_URL is set)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def rate_limit_exceeded(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one event for key; True once more than `limit` events fell in the current window."""
    cache_key = f"ratelimit:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds)
        count = 1
    return count > limit
