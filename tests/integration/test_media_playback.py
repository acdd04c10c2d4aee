"""Playing the real H.264 sample clips (drawn by ffmpeg at setup): frames by timestamp, gapless
playlists, audio/video offset measured on the clips' sync marks, captions in the session."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.media.audio import MixerOutput, decode_audio
from kiosk.media.player import ClipPlayer
from kiosk.media.playlist import Playlist
from kiosk.media.sync_check import beep_times, flash_times, pair_offsets
from tests.visit_kit import make_kit, start_scenario

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
TICK = 1 / 60


@pytest.fixture
def kitchen(published_scenarios: Path) -> Path:
    return published_scenarios / "commis-de-cuisine" / "media" / "arrivee.mp4"


@pytest.fixture
def home(published_scenarios: Path) -> Path:
    return published_scenarios / "aide-a-domicile" / "media" / "arrivee.mp4"


def _run(present: object, players: object, start: float, seconds: float, tick: float = TICK) -> float:
    """Present at `tick` intervals on a manual timeline, letting the real decoder keep up first."""
    t = start
    for _ in range(round(seconds / tick)):
        for player in players():  # type: ignore[operator]
            player.wait_buffered(3, timeout=2)
        present(t)  # type: ignore[operator]
        t += tick
    return t


def test_at_60_hz_every_frame_of_a_25_fps_clip_is_shown_once_at_its_time(kitchen: Path) -> None:
    player = ClipPlayer(kitchen, record=True)
    player.start(100.0)
    end = _run(player.present, lambda: [player], 100.0, player.info.duration + 0.2)
    player.source.join(timeout=5)  # the end-of-clip mark follows the last frame: let it arrive
    player.present(end)
    shown = player.stats.shown_at
    assert player.finished and player.stats.dropped == 0 and player.stats.late == 0
    assert [pts for _, pts in shown] == [i / 25 for i in range(150)]
    assert all(-0.0021 <= wall - 100.0 - pts < TICK + 1e-9 for wall, pts in shown)  # at most a tick late


def test_a_presentation_slower_than_the_clip_drops_frames_it_cannot_show(kitchen: Path) -> None:
    player = ClipPlayer(kitchen, record=True)
    player.start(0.0)
    _run(player.present, lambda: [player], 0.0, 3.0, tick=0.1)  # a 10 Hz display
    last = round((player.current_pts or 0.0) * 25)
    assert player.stats.presented == 30 and player.stats.presented + player.stats.dropped == last + 1
    gaps = {round(b - a, 3) for (_, a), (_, b) in zip(player.stats.shown_at, player.stats.shown_at[1:], strict=False)}
    assert gaps <= {0.08, 0.12}  # the frame due at each tick, by timestamp: 2 or 3 clip frames apart


def test_a_playlist_cuts_to_the_next_clip_with_no_gap(kitchen: Path, home: Path) -> None:
    playlist = Playlist([kitchen, home], lambda p: ClipPlayer(p, record=True))
    playlist.start(10.0)
    shown_none = []

    def present(t: float) -> None:
        playlist.present(t)
        if playlist.frame is None:
            shown_none.append(t)

    end = _run(present, lambda: [p for p in (playlist.current, playlist.upcoming) if p is not None], 10.0, 12.2)
    assert playlist.current is not None
    playlist.current.source.join(timeout=5)
    present(end)
    assert not shown_none  # not one frame without a picture: no black frame between the clips
    (cut, last_pts), = playlist.cuts
    assert 16.0 <= cut < 16.0 + TICK + 1e-9  # the second clip's first frame at the first's end
    assert last_pts == pytest.approx(149 / 25)  # the first clip was shown to its last frame
    assert playlist.finished


def test_sound_and_picture_stay_within_45_ms(kitchen: Path) -> None:
    """Marks in the file (white border, 880 Hz beep each second), then through the kiosk's pipeline:
    when each marked frame is put on screen against when its beep leaves the mixer."""
    pcm = decode_audio(kitchen)
    assert pcm is not None
    in_file = pair_offsets(flash_times(kitchen), beep_times(pcm))
    assert in_file.pairs == 6 and in_file.worst <= 0.001

    sound = MixerOutput()
    started: list[float] = []

    class Recording:
        latency = sound.latency

        def play(self, samples: object) -> object:
            started.append(now[0])
            return sound.play(samples)  # type: ignore[arg-type]

        def pause(self, handle: object) -> None:
            sound.pause(handle)

        def resume(self, handle: object) -> None:
            sound.resume(handle)

        def stop(self, handle: object) -> None:
            sound.stop(handle)

    now = [50.0]
    player = ClipPlayer(kitchen, sound=Recording(), record=True)
    player.start(50.0)

    def present(t: float) -> None:
        now[0] = t
        player.present(t)

    _run(present, lambda: [player], 50.0, 6.2)
    player.stop()
    heard = [started[0] + sound.latency + b for b in beep_times(pcm)]
    flashes = set(flash_times(kitchen))
    seen = [wall for wall, pts in player.stats.shown_at if any(abs(pts - f) < 1e-6 for f in flashes)]
    offset = pair_offsets(seen, heard)
    assert offset.pairs == 6
    assert abs(offset.mean) <= 0.045 and offset.worst <= 0.045, offset
    print(f"A/V offset through the pipeline at 60 Hz: mean {offset.mean * 1000:+.1f} ms, "
          f"worst {offset.worst * 1000:.1f} ms")


def test_captions_show_in_the_session_at_their_times(published_scenarios: Path, tmp_path: Path) -> None:
    from kiosk.app.visit import load_captions

    kit = make_kit(published_scenarios, tmp_path / "k.db")
    kit.screen.captions = load_captions
    p = kit.pilot
    start_scenario(p, "en", "commis-de-cuisine")

    def texts() -> list[str]:
        from kiosk.view.nodes import Text, placed

        return [node.text for node, _, _ in placed(p.view().root) if isinstance(node, Text)]

    english = load_captions(published_scenarios / "commis-de-cuisine" / "media" / "arrivee.en.vtt")
    assert english[0].text in texts()
    p.wait(english[1].start + 0.01)  # the clip started with the step
    assert english[1].text in texts() and english[0].text not in texts()
    kit.screen.prefs = replace(kit.screen.prefs, captions=False)  # a kiosk with headphones
    assert english[1].text not in texts()


def test_a_paused_stream_stands_still_and_resumes_where_it_was(kitchen: Path, published_scenarios: Path) -> None:
    from kiosk.media.deck import MediaDeck

    uploaded: list[str] = []
    deck = MediaDeck(published_scenarios, lambda name, frame: uploaded.append(name), lambda name: None)
    stream = "commis-de-cuisine/media/arrivee.mp4"
    deck.show({stream: False}, 0.0)
    player = deck.playing[stream].current
    assert player is not None
    _run(deck.present, lambda: [player], 0.0, 1.01)
    assert player.current_pts == pytest.approx(1.0)
    deck.show({stream: False}, 1.01, frozenset({stream}))  # the headset came off: the scenario pauses
    count = len(uploaded)
    _run(deck.present, lambda: [player], 1.01, 2.0)
    assert len(uploaded) == count and player.current_pts == pytest.approx(1.0) and deck.next_due(3.0) is None
    deck.show({stream: False}, 3.01)  # back on
    _run(deck.present, lambda: [player], 3.01, 0.5)
    assert player.current_pts == pytest.approx(1.48)  # half a second further, not two and a half
    deck.stop()


def test_a_paused_scenario_pauses_its_clip_in_the_scene(published_scenarios: Path, tmp_path: Path) -> None:
    from kiosk.view.nodes import paused_streams

    kit = make_kit(published_scenarios, tmp_path / "k.db")
    p = kit.pilot
    start_scenario(p, "fr", "commis-de-cuisine")  # its first step is a clip
    assert paused_streams(p.view()) == frozenset()
    p.headset(False)
    assert paused_streams(p.view()) == {"commis-de-cuisine/media/arrivee.mp4"}
    p.headset(True)
    assert paused_streams(p.view()) == frozenset()
