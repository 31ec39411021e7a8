"""Reading an upload in a process of its own, within limits on memory and time.

Every reader bounds what it builds (rows, spans, pages, unpacked bytes), but a parser library
may still meet a file nobody foresaw. Run here, such a file costs a worker process that is
replaced, and the person a clear message; the web worker or Celery worker that asked goes on.
The process is started once (``spawn``: nothing of the caller's state is copied into it) and
reused; only what is passed in and out crosses, pickled.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pebble

from plans.parsing import PlanFormatError

T = TypeVar("T")
_lock = threading.Lock()
_pool: pebble.ProcessPool | None = None
_memory_mb: int | None = None


def _limit_memory(megabytes: int) -> None:
    import resource

    # The soft limit only: LibreOffice, started from here for .doc files, lifts it for itself
    # (its address space is large and it has its own process and time limit).
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (megabytes * 2**20, hard))


def _pool_for(memory_mb: int) -> pebble.ProcessPool:
    global _pool, _memory_mb
    with _lock:
        if _pool is None or _memory_mb != memory_mb or not _pool.active:
            if _pool is not None:
                _pool.stop()
            _pool = pebble.ProcessPool(
                max_workers=2,
                initializer=_limit_memory,
                initargs=(memory_mb,),
                context=multiprocessing.get_context("spawn"),
            )
            _memory_mb = memory_mb
        return _pool


def call(function: Callable[..., T], *args: Any, seconds: float, memory_mb: int) -> T:
    """``function(*args)`` in a reader process; PlanFormatError when it runs out of time or
    memory (the process is then replaced)."""
    future = _pool_for(memory_mb).schedule(function, args=args, timeout=seconds)
    try:
        return future.result()
    except concurrent.futures.TimeoutError as error:
        raise PlanFormatError("too_slow", seconds=round(seconds)) from error
    except (MemoryError, pebble.ProcessExpired) as error:
        raise PlanFormatError("too_complex", memory=memory_mb) from error
