"""Media logic without decoding: captions, the media clock, frame choice by timestamp, 360° geometry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.media.captions import CaptionError, cue_at, next_change, parse_vtt
from kiosk.media.sphere import Look, drag, look_from, project, ray
from kiosk.media.timing import MediaClock, choose

VTT = """WEBVTT

1
00:00:00.500 --> 00:00:02.000
Il est <b>8 h 30</b>.

00:00:02.000 --> 00:01:03.250 line:90%
Le restaurant ouvre
à midi.
"""


def test_cues_are_parsed_with_their_times_and_lines_and_without_tags() -> None:
    cues = parse_vtt(VTT, "arrivee.fr.vtt")
    assert [(c.start, c.end) for c in cues] == [(0.5, 2.0), (2.0, 63.25)]
    assert cues[0].text == "Il est 8 h 30." and cues[1].text == "Le restaurant ouvre\nà midi."


@pytest.mark.parametrize(("t", "text"), [(0.0, None), (0.499, None), (0.5, "Il est 8 h 30."), (1.999, "Il est 8 h 30."),
                                        (2.0, "Le restaurant ouvre\nà midi."), (63.25, None)])
def test_the_cue_on_screen_follows_the_media_time(t: float, text: str | None) -> None:
    assert cue_at(parse_vtt(VTT), t) == text


def test_the_next_caption_change_is_known_in_advance() -> None:
    cues = parse_vtt(VTT)
    assert next_change(cues, 0.0) == 0.5 and next_change(cues, 0.5) == 2.0 and next_change(cues, 70) is None


@pytest.mark.parametrize(("text", "message"), [("Hello", ":1: not a WebVTT file"),
                                               ("WEBVTT\n\n00:00:01.000 --> 00:00:00.500\nx\n", ":3: the cue ends"),
                                               ("WEBVTT\n\n00:01.0 --> 00:02.000\nx\n", ":3: bad timestamp")])
def test_broken_captions_name_the_file_and_line(text: str, message: str) -> None:
    with pytest.raises(CaptionError, match=f"clip.vtt{message}"):
        parse_vtt(text, "clip.vtt")


def test_the_media_clock_stands_still_while_paused_and_shifts_the_picture() -> None:
    clock = MediaClock(10.0, offset=0.02)
    assert clock.position(11.0) == pytest.approx(0.98)
    paused = clock.pause(11.0)
    assert paused.position(20.0) == pytest.approx(0.98)
    assert paused.resume(20.0).position(21.0) == pytest.approx(1.98)


def test_frames_are_chosen_by_timestamp_dropped_when_late_kept_when_early() -> None:
    pending = [0.0, 0.04, 0.08, 0.12]
    assert choose(pending, -0.01).take == 0  # not due yet: keep what is shown
    assert choose(pending, 0.0).take == 1
    assert choose(pending, 0.05) == choose(pending, 0.075)  # between two frames: the earlier one
    late = choose(pending, 0.1)
    assert late.take == 3 and late.dropped == 2  # three were due: two of them never shown
    assert choose([], 5.0).take == 0


angles = st.floats(-179.0, 179.0)
pitches = st.floats(-60.0, 60.0)


@given(angles, pitches, st.floats(-0.9, 0.9), st.floats(-0.9, 0.9))
def test_a_point_of_the_view_projects_back_to_itself(yaw: float, pitch: float, x: float, y: float) -> None:
    look = Look(yaw, pitch, 75.0)
    seen_yaw, seen_pitch = ray(x, y, look, 16 / 9)
    back = project(seen_yaw, seen_pitch, look, 16 / 9)
    assert back is not None and back == pytest.approx((x, y), abs=1e-6)


@given(angles, pitches)
def test_where_you_look_is_the_centre_and_behind_you_is_not_shown(yaw: float, pitch: float) -> None:
    look = Look(yaw, pitch)
    assert project(yaw, pitch, look, 2.0) == pytest.approx((0.0, 0.0), abs=1e-9)
    assert project(yaw + 180.0, -pitch, look, 2.0) is None


def test_dragging_right_turns_left_and_pitch_is_bounded() -> None:
    look = Look(0.0, 0.0, 60.0)
    assert drag(look, 100, 0, 600).yaw == pytest.approx(-10.0)
    assert drag(look, 0, 10_000, 600).pitch == 85.0
    assert drag(Look(175.0, 0.0, 60.0), -60, 0, 360).yaw == pytest.approx(-175.0)  # wraps around behind
    assert look_from(270.0, 95.0) == Look(-90.0, 85.0)
