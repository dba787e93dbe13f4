"""The app's own settings plus what `make bench` needs: a hello-world baseline URL, no rate limits.

Only scripts/bench.py uses this module; production never loads it.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "skillmap.bench_urls"
# The benchmark saves a rating thousands of times a second from one account.
RATE_LIMIT_ENABLED = False
