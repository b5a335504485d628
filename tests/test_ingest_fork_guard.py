"""No ingest worker is forked while the warm-up thread imports (app.ingest._FORK_LOCK):
a child forked then could inherit an import lock held by a thread it does not have."""

from __future__ import annotations

import multiprocessing
import sys
import threading
import time

import pytest

from qcdc_cli.app import ingest as ingest_module


@pytest.mark.skipif(sys.platform != "linux", reason="the pool forks on Linux only")
def test_a_worker_started_while_the_warm_up_holds_the_lock_waits_for_it() -> None:
    ctx = multiprocessing.get_context("fork")
    pool_class = ingest_module._guarded_pool(ctx)
    proc = pool_class.Process(ctx, target=time.sleep, args=(0,))
    started = threading.Event()

    def start() -> None:
        proc.start()
        started.set()

    with ingest_module._FORK_LOCK:  # as _warm_resolution holds it
        thread = threading.Thread(target=start)
        thread.start()
        assert not started.wait(0.3) and proc.pid is None  # not forked while held
    assert started.wait(10)
    thread.join()
    proc.join()
    assert proc.exitcode == 0


@pytest.mark.skipif(sys.platform != "linux", reason="the pool forks on Linux only")
def test_the_guarded_pool_runs_tasks_and_replaces_its_workers() -> None:
    ctx = multiprocessing.get_context("fork")
    with ingest_module._guarded_pool(ctx)(2, context=ctx, maxtasksperchild=1) as pool:
        assert sorted(pool.imap_unordered(abs, range(-5, 0))) == [1, 2, 3, 4, 5]
