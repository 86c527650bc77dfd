"""Python's cycle collector paused while a run builds millions of small objects.

The scored pairs and the clustering's columns make lists and tuples by the million; none of them
refers to itself, so none needs the cycle collector, but every few hundred thousand new objects
set it off again, and each full pass walks every object already made. Pausing it changes no
result: it frees nothing these objects hold.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off inside the block, and back as it was after it (even on error)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
