"""What `kiosk run` does to the interpreter once started (kiosk/app/interpreter.py)."""

from __future__ import annotations

import gc
import sys
import weakref
from collections.abc import Iterator

import pytest

from kiosk.app.interpreter import settle_interpreter


@pytest.fixture
def restored() -> Iterator[None]:
    before = sys.getswitchinterval()
    yield
    sys.setswitchinterval(before)
    gc.unfreeze()


@pytest.mark.usefixtures("restored")
def test_start_up_objects_leave_the_collectors_walks() -> None:
    built_at_start = [{"pack": i} for i in range(1000)]
    switch_interval = sys.getswitchinterval()
    settle_interpreter()
    assert sys.getswitchinterval() == switch_interval  # tried and left out (see the module)
    assert gc.get_freeze_count() >= len(built_at_start)
    assert not any(obj is built_at_start for obj in gc.get_objects(2))  # no longer walked by a full collection


@pytest.mark.usefixtures("restored")
def test_garbage_is_collected_before_freezing_not_kept_for_ever() -> None:
    class Cycle:
        pass

    cycle = Cycle()
    cycle.me = cycle  # type: ignore[attr-defined]
    watch = weakref.ref(cycle)
    del cycle
    settle_interpreter()
    assert watch() is None  # frozen garbage would stay alive (and out of every later collection)
