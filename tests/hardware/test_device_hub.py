"""Every device through the one hub on real pseudo-terminals: a board press and a serial touch
arrive as timestamped events (their driver's receive time), mapped in one place, and end the frame
loop's wait at once; the headset's look reaches the screen through the hub before its eyes are drawn."""

from __future__ import annotations

import time
from pathlib import Path

from hardware.board.events import DeviceState
from hardware.headset.simulated import Keyframe, SimulatedHeadset
from hardware.sim.board import BoardSimulator
from hardware.sim.pty_link import PtyLink
from kiosk.app.devices import start_board, start_touch
from kiosk.app.headset import HeadsetLink
from kiosk.app.hub import DeviceHub
from kiosk.clock import ManualClock
from kiosk.events import BoardIntent, HeadsetLook, HeadsetWorn, InputEvent, PointerDown, PointerMoved, PointerUp
from kiosk.runtime.loop import FrameLoop, FramePacer
from kiosk.view.nodes import Group, Scene
from tests.frame_kit import RecordingRenderer


def _connected(driver: object, timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while getattr(driver, "state") != DeviceState.CONNECTED and time.monotonic() < deadline:  # noqa: B009
        time.sleep(0.01)
    return getattr(driver, "state") == DeviceState.CONNECTED  # noqa: B009


def test_a_board_press_on_a_pty_arrives_as_its_profile_intent_at_the_drivers_receive_time(tmp_path: Path) -> None:
    simulator = BoardSimulator(tmp_path / "nova-board").start()
    hub = DeviceHub()
    driver = start_board(f"serial://{simulator.path}", "nova-board-v1", hub)
    assert driver is not None
    try:
        assert _connected(driver)
        seq = simulator.press(3)  # "select" in nova-board-v1
        simulator.release(3)
        events = hub.wait(2.0)  # ended by the press, not by the timeout
        taken = time.monotonic()
        assert [type(e) for e in events] == [BoardIntent] and events[0] == BoardIntent("select", events[0].t)
        assert simulator.sent_at[seq] <= events[0].t <= taken  # stamped by the driver when it read the frame
        assert hub.wait(0.1) == []  # the release is no intent
        assert hub.received == {"board": 1}
    finally:
        driver.stop()
        simulator.stop()


def test_serial_touches_on_a_pty_arrive_as_a_finger_on_the_screen(tmp_path: Path) -> None:
    link = PtyLink(tmp_path / "nova-touch")
    link.plug()
    hub = DeviceHub()
    driver = start_touch(f"serial://{link.name}?baud=9600", "egalax", lambda x, y: (x * 1920, y * 1080), hub)
    assert driver is not None
    try:
        assert _connected(driver)
        before = time.monotonic()
        # eGalax, 14 bits: down at (0.5, 0.25), the same again (a repeat), moved to (0.75, 0.25), lifted
        down, moved = bytes([0x87, 0x40, 0x00, 0x20, 0x00]), bytes([0x87, 0x60, 0x00, 0x20, 0x00])
        link.write(down + down + moved + bytes([0x86, 0x60, 0x00, 0x20, 0x00]))
        events: list[InputEvent] = []
        deadline = time.monotonic() + 3.0
        while len(events) < 3 and time.monotonic() < deadline:
            events += hub.wait(0.5)
        assert [type(e) for e in events] == [PointerDown, PointerMoved, PointerUp]
        assert [(e.x, e.y) for e in events] == [(960.0, 270.0), (1440.0, 270.0), (1440.0, 270.0)]  # type: ignore[union-attr]
        assert all(before <= e.t <= time.monotonic() for e in events)
        assert hub.received == {"touch": 3}
    finally:
        driver.stop()
        link.unplug()


class _Recording:
    """A screen that records what it is handed, and what its view was asked at."""

    def __init__(self) -> None:
        self.handled: list[InputEvent] = []
        self.viewed_after: list[int] = []
        self.scene = Scene(Group(()))

    def handle(self, event: InputEvent, now: float) -> None:
        self.handled.append(event)

    def update(self, dt: float, now: float) -> None:
        pass

    def view(self, now: float) -> Scene:
        self.viewed_after.append(len(self.handled))
        return self.scene

    def animating(self, now: float) -> bool:
        return False

    def next_change(self, now: float) -> float | None:
        return None


def test_the_headset_goes_through_the_hub_and_its_look_is_handled_before_the_eyes_see_the_view() -> None:
    hub, clock, screen = DeviceHub(), ManualClock(), _Recording()
    loop = FrameLoop(screen, RecordingRenderer(), clock, hub.wait, FramePacer())
    headset = SimulatedHeadset([Keyframe(0.0, yaw=0.0), Keyframe(1.0, yaw=90.0),
                                Keyframe(2.0, yaw=90.0, worn=False)])
    link = HeadsetLink(headset, lambda event, now: hub.put(event, "headset"), screen.view, deliver=loop.deliver)
    headset.start(0.0)
    link.tick(0.0)
    assert screen.handled == [HeadsetLook(0.0, 0.0, 0.0)]
    clock.advance(0.5)
    link.tick(0.5)
    assert screen.handled[-1] == HeadsetLook(45.0, 0.0, 0.5)
    assert screen.viewed_after == [1, 2]  # each time the eyes asked the view, the look was already handled
    clock.advance(1.5)
    link.tick(2.0)
    assert screen.handled[-1] == HeadsetWorn(False, 2.0) and screen.viewed_after == [1, 2]  # nobody to draw for
    assert hub.received == {"headset": 3} and hub.drain() == []
