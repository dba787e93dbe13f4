"""A per-client limit on write endpoints: a fixed window counted in the cache.

Hand-written rather than django-ratelimit, which refuses a per-process cache: with no
REDIS_URL (the zero-set-up default) each worker counts on its own, so a client may get up to
limit × workers; with REDIS_URL every worker shares one count. Limits live in settings.RATE_LIMITS
as "count/period" with period s, m, h or d.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    try:
        count, period = rate.split("/")
        return int(count), PERIODS[period]
    except (ValueError, KeyError):
        raise ImproperlyConfigured(
            f"A rate limit is 'count/period' (s, m, h, d), not {rate!r}"
        ) from None


def client_ip(request: HttpRequest) -> str:
    """The client's address as rate limits and log-in lock-outs (AXES_CLIENT_IP_CALLABLE) key it.

    Behind TRUSTED_PROXY_COUNT proxies, the address the outermost of them saw; otherwise the
    socket's peer. An IPv6 client is its /64 (written as the network's first address), since one
    subscriber is usually given a whole /64 and could otherwise take a fresh address per try.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        # Fewer entries than proxies, or garbage, means the chain is not what was declared:
        # fall back to the peer rather than trust what the client wrote.
        if len(forwarded) >= proxies and _parse(forwarded[-proxies]) is not None:
            address = forwarded[-proxies]
    parsed = _parse(address)
    if parsed is None:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False).network_address)
    return str(parsed)


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def client_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_ip(request)}"


def over_limit(request: HttpRequest, scope: str) -> bool:
    rate = settings.RATE_LIMITS.get(scope)
    if not settings.RATE_LIMIT_ENABLED or not rate:
        return False
    count, period = parse_rate(rate)
    window = int(time.time() // period)
    key = f"ratelimit:{scope}:{client_key(request)}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        return count < 1
    try:
        return cache.incr(key) > count
    except ValueError:  # expired between add and incr: this is the window's first hit
        cache.add(key, 1, timeout=period + 1)
        return False


def too_many(request: HttpRequest, scope: str) -> HttpResponse:
    count, period = parse_rate(settings.RATE_LIMITS[scope])
    response = render(
        request, "429.html", {"count": count, "period": period, "scope": scope}, status=429
    )
    response["Retry-After"] = str(period)
    return response


View = Callable[..., HttpResponseBase]


def rate_limited(scope: str, *, reads: bool = False) -> Callable[[View], View]:
    """Limit POSTs to the view; with `reads`, every request (for links followed from outside
    the site, where a read does the work)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if (reads or request.method == "POST") and over_limit(request, scope):
                return too_many(request, scope)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
