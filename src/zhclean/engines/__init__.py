"""Engines run the pipeline's tasks: `local` (processes on this machine) and `dask`
(a Dask cluster: LocalCluster, or any scheduler address). Both run the same stage functions."""
from __future__ import annotations

from typing import Any

from zhclean.config import RunConfig
from zhclean.engines.local import LocalEngine


def make_engine(run: RunConfig) -> Any:
    """The engine a run config asks for."""
    if run.engine == "dask":
        from zhclean.engines.dask import DaskEngine

        return DaskEngine(workers=run.workers, scheduler=run.scheduler or None)
    return LocalEngine(run.workers)


__all__ = ["LocalEngine", "make_engine"]
