"""Logs never hold a live bearer token.

A share link, a rate-me link, a cohort's invitation, a reminder's unsubscribe link, an email's
confirmation link and a password-reset link each work for whoever holds the address; the
database keeps only a hash (or a signature) of them. Their token is the last part of the path,
so the access log's request line and Referer, and Django's own log lines ("Not Found:
/rate/…/"), would otherwise hand every one of them to anyone who reads the logs. Both go
through `redact`: gunicorn's access log through `AccessLogger` (gunicorn.conf.py's
`logger_class`), Django's and gunicorn's other lines through `RedactTokens`.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from gunicorn import glogging

REDACTED = "[redacted]"
# The part of a path before a token, and the token (up to the next /, ?, #, quote or space).
TOKEN_IN_PATH = re.compile(
    r"(/(?:shared|rate|reminders/unsubscribe|cohorts/join|email/confirm)/|/reset/[^/?#\s\"]+/)"
    r"([^/?#\s\"]+)",
    re.IGNORECASE,
)
# Not tokens: the rate-me thank-you page, and where a reset link moves once it is opened (its
# token then lives only in the session).
NOT_TOKENS = frozenset({"thanks", "set-password", REDACTED})


def _hide(match: re.Match[str]) -> str:
    if match.group(2).lower() in NOT_TOKENS:
        return match.group(0)
    return match.group(1) + REDACTED


def redact(text: str) -> str:
    """`text` with the token of every token link in it replaced by [redacted]."""
    redacted = TOKEN_IN_PATH.sub(_hide, text)
    # A percent-encoded path (/%73hared/…, /shared%2F…) reaches the same view once decoded: if
    # decoding shows a token, every encoded word goes.
    if "%" in redacted and any(
        m.group(2).lower() not in NOT_TOKENS for m in TOKEN_IN_PATH.finditer(unquote(redacted))
    ):
        redacted = re.sub(r"\S*%\S*", REDACTED, redacted)
    return redacted


class RedactTokens(logging.Filter):
    """A logging filter: the record's message, with its arguments, redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_REDACT_TOKENS = RedactTokens()


class AccessLogger(glogging.Logger):
    """gunicorn's logger, with every access-log atom (request line, Referer, any header or
    environ value a log format may name) redacted, and a filter on its error log."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.addFilter(_REDACT_TOKENS)  # the same instance: added once, on reloads too

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}
