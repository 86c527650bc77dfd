"""Long work in the background, with no broker: a thread per job in the embedded default.

The job records its own progress in the database, so a page (or the command line) can watch it.
Tests and single-process tools can run jobs inline with JOINEDUP_INLINE_JOBS=True.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

log = logging.getLogger(__name__)


def run_in_background(work: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    if getattr(settings, "JOINEDUP_INLINE_JOBS", False):
        work(*args, **kwargs)
        return

    def target() -> None:
        close_old_connections()
        try:
            work(*args, **kwargs)
        except Exception:  # the job records its own failure; this keeps the thread quiet
            log.exception("background job failed")
        finally:
            connection.close()

    threading.Thread(target=target, daemon=True).start()
