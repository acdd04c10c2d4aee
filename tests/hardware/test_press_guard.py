"""What a hand can do: the press guard's rules on a manual clock (pure, no waiting)."""

from __future__ import annotations

from hardware.board.guard import CHATTER, RATE, PressGuard, PressPolicy


def _taps(guard: PressGuard, button: int, start: float, rate_hz: float, seconds: float) -> list[float]:
    """Press+release `button` at `rate_hz` for `seconds`; the times of the presses that passed."""
    taken = []
    for i in range(round(rate_hz * seconds)):
        t = start + i / rate_hz
        if guard.admit(button, True, t):
            taken.append(t)
        guard.admit(button, False, t + 0.4 / rate_hz)
    return taken


def test_a_hand_tapping_fast_is_heard_whole() -> None:
    guard = PressGuard()
    taken = _taps(guard, 1, 0.0, 6.0, 3.0)  # six taps a second: a very quick hand
    assert len(taken) == 18 and guard.dropped == {RATE: 0, CHATTER: 0} and guard.problems(3.0) == []


def test_a_flood_is_cut_to_a_few_presses_then_ignored_until_quiet() -> None:
    guard = PressGuard(PressPolicy(calm_after=2.0))
    taken = _taps(guard, 3, 0.0, 10_000.0, 20.0)  # the red team's flood: 10k presses/s for 20 s
    assert 1 <= len(taken) <= 3 and taken[0] == 0.0  # the first press is a press; then it chatters
    assert guard.dropped[CHATTER] > 199_000
    assert guard.problems(20.5) == ["button 3 chatters (presses faster than a hand): ignored"]
    assert not guard.admit(3, True, 21.0)  # still too soon after the flood
    assert guard.problems(23.5) == []  # 2.5 s quiet: listened to again
    assert guard.admit(3, True, 23.5) and guard.admit(3, False, 23.6)


def test_presses_closer_than_a_hand_can_make_are_dropped_and_their_releases_with_them() -> None:
    guard = PressGuard()
    assert guard.admit(0, True, 1.0) and guard.admit(0, False, 1.02)
    assert not guard.admit(0, True, 1.05)  # 50 ms later: a bounce or a device, not a hand
    assert not guard.admit(0, False, 1.07)  # its release does not reach the screen either
    assert guard.admit(0, True, 1.2) and guard.dropped[RATE] == 1
    assert guard.admit(1, True, 1.21)  # another button is another finger


def test_a_button_held_down_is_named_stuck_and_forgotten_once_released() -> None:
    guard = PressGuard(PressPolicy(stuck_after=30.0))
    assert guard.admit(2, True, 10.0)
    assert guard.problems(39.0) == []
    assert guard.problems(45.0) == ["button 2 held down for 35 s (stuck?)"]
    assert guard.admit(2, False, 46.0) and guard.problems(47.0) == []
