"""The app's own settings plus what `make bench` needs: a hello-world baseline URL, no rate limits.

Only scripts/bench.py uses this module (as DJANGO_SETTINGS_MODULE=tests.bench_settings, found
from the project root that manage.py and gunicorn run in); production never loads it.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import ROOT_URLCONF

# tests.bench_urls serves the app's own URLconf, whichever module the settings name.
APP_URLCONF = ROOT_URLCONF
ROOT_URLCONF = "tests.bench_urls"
# The benchmark saves a rating thousands of times a second from one account.
RATE_LIMIT_ENABLED = False

# Another session store to measure against the default:
# BENCH_SESSION_ENGINE=django.contrib.sessions.backends.file keeps them in DATA_DIR/sessions.
if os.environ.get("BENCH_SESSION_ENGINE"):
    SESSION_ENGINE = os.environ["BENCH_SESSION_ENGINE"]
    SESSION_FILE_PATH = str(DATA_DIR / "sessions")  # noqa: F405
    os.makedirs(SESSION_FILE_PATH, mode=0o700, exist_ok=True)
