"""The app's own settings plus what `make bench` needs: a hello-world baseline URL, no rate limits.

Only scripts/bench.py uses this module (as DJANGO_SETTINGS_MODULE=tests.bench_settings, found
from the project root that manage.py and gunicorn run in); production never loads it.
"""

from config.settings import *  # noqa: F403
from config.settings import ROOT_URLCONF

# tests.bench_urls serves the app's own URLconf, whichever module the settings name.
APP_URLCONF = ROOT_URLCONF
ROOT_URLCONF = "tests.bench_urls"
# The benchmark saves a rating thousands of times a second from one account.
RATE_LIMIT_ENABLED = False
