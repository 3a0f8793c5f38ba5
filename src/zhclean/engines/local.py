"""The local engine: worker processes on this machine (or the calling process alone).

`imap` keeps at most ``2 x workers`` tasks in flight, so memory stays bounded by a few chunks
however large the input, and returns results in submission order, so outputs do not depend
on the number of workers.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable, Iterable, Iterator


class LocalEngine:
    name = "local"

    def __init__(self, workers: int = 1):
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx)
        return self._pool

    def imap(self, fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        if self.workers == 1:
            for args in tasks:
                yield fn(*args)
            return
        pool = self._executor()
        in_flight: deque[Future[Any]] = deque()
        for args in tasks:
            in_flight.append(pool.submit(fn, *args))
            while len(in_flight) >= 2 * self.workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
