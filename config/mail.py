"""Django's file mail backend, writing only where the owner can read: the mail it keeps holds
password-reset links and unsubscribe tokens. The folder is made 0700 (an older, looser one is
tightened if it is ours) and each file is created 0600, whatever the umask."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.mail.backends import filebased


class PrivateFileEmailBackend(filebased.EmailBackend):
    def __init__(
        self, fail_silently: bool = False, file_path: str | None = None, **kwargs: Any
    ) -> None:
        if file_path is not None:
            folder = Path(file_path)
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            info = folder.stat()
            if info.st_uid == os.getuid() and info.st_mode & 0o077:
                folder.chmod(0o700)
        super().__init__(fail_silently=fail_silently, file_path=file_path, **kwargs)
        # One file per connection, as Django's backend names them.
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        self.path = Path(self.file_path) / f"{stamp}-{abs(id(self))}.log"

    def open(self) -> bool:
        if self.stream is not None:
            return False
        # Created 0600 in one step: never readable by others, not even for a moment.
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.stream = os.fdopen(fd, "ab")
        return True
