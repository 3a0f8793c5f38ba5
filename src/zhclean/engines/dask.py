"""The Dask engine: the same stage functions on a Dask cluster (``pip install 'zhclean[dask]'``).

* Chunks (clean, filters, MinHash signatures) and shard writes are Dask tasks running
  `pipeline.process_chunk` / `pipeline.write_shard`, at most ``2 x workers`` in flight.
* Dedup runs as a ``dask.dataframe`` graph: one partition per chunk turns the chunk's
  signatures into rows ``(bucket, page)`` -- one per LSH band key, plus one for the page's exact
  key -- the rows are shuffled on ``bucket``, and each partition keeps the pages of buckets
  holding more than one page. Only those candidate pages (and their signatures) come back to
  the client, where `pipeline.dedup_candidates` verifies edges, resolves connected components
  and elects the kept page exactly as the local engine does. A page outside every shared
  bucket cannot be a duplicate, so the result equals the local engine's.

Size limit of the client-side step: memory grows with the number of *candidate* pages
(about 0.7 KB each at 128 permutations, plus their edges), not with the corpus. 10 M
candidate pages need roughly 7-10 GB on the client; past ``[run] max_driver_pages`` (10 M) the
run stops with that advice before the client runs out of memory.

The output and work folders must be on storage that the client and every worker can reach
(a shared filesystem); see docs/pipeline.md for pointing the engine at a real cluster.
"""
from __future__ import annotations

import logging
from collections import deque
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from zhclean.config import Config
from zhclean.errors import ConfigError, MissingExtra
from zhclean.io.workdir import WorkDir


def _import_dask() -> Any:
    try:
        import dask.dataframe  # noqa: F401
        import distributed
    except ImportError:
        raise MissingExtra("dask", "the dask engine", "dask.dataframe and distributed") from None
    return distributed


class DaskEngine:
    """Runs pipeline tasks on a Dask cluster: an existing `client`, a `scheduler` address, or
    a LocalCluster of `workers` processes started (and closed) by the engine."""

    name = "dask"

    def __init__(self, workers: int = 1, scheduler: str | None = None, client: Any = None,
                 processes: bool = True):
        distributed = _import_dask()
        self._own: list[Any] = []
        if client is None:
            if scheduler:
                try:
                    client = distributed.Client(scheduler, timeout="30s")
                except OSError as exc:
                    raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
            else:
                cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                                   processes=processes, dashboard_address=":0",
                                                   silence_logs=logging.ERROR)
                client = distributed.Client(cluster)
                self._own.append(cluster)
            self._own.insert(0, client)
        self.client = client
        self.workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)

    def imap(self, fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        in_flight: deque[Any] = deque()
        for args in tasks:
            in_flight.append(self.client.submit(fn, *args, pure=False))
            while len(in_flight) >= 2 * self.workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()

    def dedup(self, config: Config, work: WorkDir, names: list[str]) -> dict[str, dict[str, Any]]:
        from zhclean.engines.tasks import dedup_candidates, texts_of

        names = [n for n in names if work.signatures_path(n).exists()]
        if not names:
            return {}
        candidates = candidate_pages(config, str(work.root), names)
        if not len(candidates):
            return {}
        limit = config.run.max_driver_pages
        if len(candidates) > limit:
            raise ConfigError(
                f"{len(candidates):,} pages share a dedup bucket with another page, more than "
                f"[run] max_driver_pages = {limit:,} that the client resolves (~1 KB each). "
                f"Give the client more memory and raise the limit (--set run.max_driver_pages=N); "
                f"the finished chunks in {work.root} are reused by the next run.")
        shared = self.client.scatter(candidates, broadcast=True)
        futures = self.client.map(signed_subset, [str(work.root)] * len(names), names,
                                  [shared] * len(names), pure=False)
        signed = (f.result() for f in futures)

        def texts_for(keys: set[str]) -> dict[str, str]:
            parts = self.client.map(texts_of, [str(work.root)] * len(names), [[n] for n in names],
                                    [keys] * len(names), [config.run.text_field] * len(names),
                                    pure=False)
            out: dict[str, str] = {}
            for part in self.client.gather(parts):
                out.update(part)
            return out

        return dedup_candidates(config, signed, texts_for)

    def close(self) -> None:
        for thing in self._own:
            thing.close()
        self._own = []


# --- partition functions (run on the workers) --------------------------------------------


def key_to_int(keys: np.ndarray) -> np.ndarray:
    """Page keys ``"SSSSSS:NNNNNNNNNN"`` (shard, position) as int64 ``shard << 32 | position``."""
    if not len(keys):
        return np.empty(0, dtype=np.int64)
    parts = np.char.partition(keys.astype(str), ":")
    return (parts[:, 0].astype(np.int64) << 32) | parts[:, 2].astype(np.int64)


def bucket_rows(work_root: str, name: str, exact: bool, bands: int, rows: int) -> Any:
    """One chunk as rows ``(bucket, page)``: its exact key and its LSH band keys."""
    import pandas as pd

    from zhclean.dedup import band_keys
    from zhclean.dedup.minhash import EMPTY_VALUE

    work = WorkDir(work_root)
    arr = work.load_arrays(work.signatures_path(name))
    pages = key_to_int(arr["keys"])
    buckets = []
    owners = []
    if exact:
        nonempty = arr["lengths"] > 0
        buckets.append(arr["exact"][nonempty])
        owners.append(pages[nonempty])
    sigs = arr["sigs"]
    if sigs.shape[1]:
        signed = (sigs != EMPTY_VALUE).any(axis=1)
        if signed.any():
            keys = band_keys(sigs[signed], bands, rows).view(np.int64)
            buckets.append(keys.ravel())
            owners.append(np.repeat(pages[signed], bands))
    bucket = np.concatenate(buckets) if buckets else np.empty(0, dtype=np.int64)
    page = np.concatenate(owners) if owners else np.empty(0, dtype=np.int64)
    return pd.DataFrame({"bucket": bucket.astype(np.int64), "page": page.astype(np.int64)})


def shared_bucket_pages(df: Any) -> Any:
    """The pages of buckets that hold more than one page (after the shuffle on bucket)."""
    import pandas as pd

    if not len(df):
        return pd.DataFrame({"page": np.empty(0, dtype=np.int64)})
    size = df.groupby("bucket")["page"].transform("nunique")
    return df.loc[size > 1, ["page"]].drop_duplicates()


def candidate_pages(config: Config, work_root: str, names: list[str]) -> np.ndarray:
    """Sorted int64 keys of every page sharing an exact key or an LSH bucket with another."""
    import dask.dataframe as dd
    import pandas as pd

    from zhclean.dedup import Deduplicator

    cfg = config.dedup  # type: ignore[attr-defined]
    probe = Deduplicator(cfg)
    bands, rows = (probe.bands, probe.rows) if cfg.near else (0, 0)
    meta = pd.DataFrame({"bucket": np.empty(0, dtype=np.int64), "page": np.empty(0, dtype=np.int64)})
    table = dd.from_map(bucket_rows, [work_root] * len(names), names,
                        [bool(cfg.exact)] * len(names), [bands] * len(names), [rows] * len(names),
                        meta=meta, enforce_metadata=False)
    shuffled = table.shuffle(on="bucket", npartitions=max(1, table.npartitions))
    pages = shuffled.map_partitions(shared_bucket_pages,
                                    meta=pd.DataFrame({"page": np.empty(0, dtype=np.int64)}))
    found = pages["page"].compute()
    return np.unique(np.asarray(found, dtype=np.int64))


def signed_subset(work_root: str, name: str, candidates: np.ndarray) -> dict[str, np.ndarray]:
    """The signature arrays of one chunk, restricted to the candidate pages."""
    work = WorkDir(work_root)
    arr = work.load_arrays(work.signatures_path(name))
    keep = np.isin(key_to_int(arr["keys"]), candidates)
    return {k: v[keep] for k, v in arr.items()}
