"""`kiosk bench video`: the clip pipeline's figures on this machine.

For 1080p and 720p H.264 clips (made once with ffmpeg under .cache/bench-media/):
* raw decode, the anchors (same process, alternated with the kiosk's path), each as fast as it
  goes: OpenCV's `cv2.VideoCapture.read` (BGR), PyAV decoding to BGRA ndarrays, and PyAV's raw
  yuv420p frames with no conversion at all (the cheapest format any path could show); the ratio's
  denominator is the fastest of the three in each run, so a slow anchor cannot flatter the ratio;
* the kiosk's path: the decoder thread (PyAV → BGRA) asked, as the media deck asks it, for the
  screen-ready frames the renderer copies into the screen (scaled by swscale to the 1280×720 target,
  rows bottom first: `render.screen_copy`), a consumer handing every frame to the renderer AND
  drawing it full screen into the 1280×720 target, waiting for GL each frame — frames per second,
  and the median ratio to the best raw decoder; for comparison, alternated, the clip's own frames
  (into GPU-visible rings where the driver allows: `render.mapped_frames`) drawn by the shaders;
* handing one frame to the renderer and drawing it, three ways (bound from a ring, uploaded,
  screen-ready and copied): milliseconds of wall and CPU time;
* real-time presentation at the screen's 60 Hz for `seconds` of 1080p30, 1080p60 and 720p30 clips (every
  shown frame drawn into a 1280×720 target): frames dropped and late, CPU seconds per second of video;
* a two-clip playlist in real time: the gap between the last frame of the first clip and the first
  of the second, beyond one frame period;
* the audio/video offset through the pipeline on a sample clip's sync marks.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from kiosk.errors import AssetError, GraphicsUnavailableError
from kiosk.media.audio import decode_audio
from kiosk.media.decoder import HEAP, FrameMemory, VideoSource
from kiosk.media.player import ClipPlayer
from kiosk.media.playlist import Playlist
from kiosk.media.sync_check import beep_times, flash_times, pair_offsets
from kiosk.render.context import create_offscreen_context
from kiosk.render.mapped_frames import MappedFrames
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.view.nodes import Group, Rect, Scene, Video

SIZES = {"1080p": (1920, 1080), "720p": (1280, 720)}


def make_clip(folder: Path, name: str, size: tuple[int, int], seconds: float, fps: int = 30) -> Path:
    """An H.264 + AAC test clip (ffmpeg's moving test pattern and a tone), made once and reused."""
    path = folder / f"{name}-{size[0]}x{size[1]}-{seconds:g}s{'' if fps == 30 else f'-{fps}fps'}.mp4"
    if path.exists():
        return path
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise AssetError("ffmpeg is needed to make the benchmark clips", hint="apt install ffmpeg (scripts/setup.sh)")
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part.mp4")
    subprocess.run([ffmpeg, "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size={size[0]}x{size[1]}:rate={fps}:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-profile:v", "high",
                    "-c:a", "aac", "-shortest", str(partial)], check=True)
    partial.rename(path)
    return path


def raw_decode_fps(path: Path) -> float:
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    frames, started = 0, time.perf_counter()
    while capture.read()[0]:
        frames += 1
    elapsed = time.perf_counter() - started
    capture.release()
    return frames / elapsed


def pyav_decode_fps(path: Path) -> float:
    """PyAV decoding to BGRA arrays (what the renderer takes), FFmpeg's frame threading on."""
    return _pyav_fps(path, bgra=True)


def pyav_raw_fps(path: Path) -> float:
    """PyAV decoding to its native yuv420p frames, left unconverted: raw decoding and nothing else."""
    return _pyav_fps(path, bgra=False)


def _pyav_fps(path: Path, *, bgra: bool) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        frames, started = 0, time.perf_counter()
        for frame in container.decode(stream):
            if bgra:
                frame.to_ndarray(format="bgra")
            frames += 1
        return frames / (time.perf_counter() - started)


ANCHORS = ("OpenCV → BGR", "PyAV → BGRA", "PyAV yuv420p")


FULL_SCREEN = Scene(Group((Video(Rect(0, 0, 1920, 1080), "bench"),)))


def kiosk_path_fps(path: Path, renderer: GLRenderer, memory: FrameMemory, screen: bool = True) -> float:
    """Decode → hand over → draw every frame full screen, waiting for GL each frame. `screen`: ask
    the decoder for the screen-ready frames the renderer copies, as the media deck does (False: the
    clip's own frames, drawn through the shaders)."""
    source = VideoSource(path, memory=memory, screen=renderer.wanted_size("bench") if screen else None).start()
    frames, started = 0, time.perf_counter()
    while (item := source.frames.get()) is not None:
        source.want(renderer.wanted_size("bench") if screen else None)  # what the media deck does
        renderer.update_stream("bench", item[1])
        renderer.draw(FULL_SCREEN)
        renderer.finish()
        frames += 1
    elapsed = time.perf_counter() - started
    source.stop()
    renderer.drop_stream("bench")
    return frames / elapsed


@dataclass
class RealTime:
    due: int  # frames whose time came during the presentation
    presented: int
    dropped: int  # decoded, then superseded before a vsync could show them
    behind: int  # due but not even decoded when the presentation ended
    late: int
    cpu: float  # CPU seconds per second of video (share of one core)

    @property
    def missed(self) -> int:
        """What the visitor did not see: due frames never on screen, dropped or never decoded in time."""
        return self.due - self.presented


def present_in_real_time(path: Path, renderer: GLRenderer, memory: FrameMemory, seconds: float,
                         hz: float = 60.0, screen: bool = True) -> RealTime:
    """`screen`: ask for screen-ready frames as the media deck does — from the first frame when the
    renderer already placed the stream (the deck's case for a clip shown again), else from the next
    frame decoded after the first draw; False: the clip's own frames, drawn by the shaders."""
    player = ClipPlayer(path, memory=memory, screen=renderer.wanted_size("bench") if screen else None)
    player.wait_buffered(12)
    scene = Scene(Group((Video(Rect(0, 0, 1920, 1080), "bench"),)))
    first = player.source.frames.queue[0]  # draw once before the clock runs: drivers finish compiling
    if first is not None:  # shaders on first use, a stall that is not the playback's
        renderer.update_stream("bench", first[1])
        renderer.draw(scene)
        renderer.finish()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0, started = usage.ru_utime + usage.ru_stime, time.monotonic()
    player.start(started)
    tick = 1.0 / hz
    next_tick = last = started
    while (now := time.monotonic()) < started + min(seconds, player.info.duration):
        memory.settle()  # what the media deck does before taking frames
        player.source.want(renderer.wanted_size("bench") if screen else None)
        last = now
        if player.present(now) and player.current is not None:
            renderer.update_stream("bench", player.current)
            renderer.draw(scene)
            renderer.finish()
        next_tick += tick
        time.sleep(max(0.0, next_tick - time.monotonic()))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    ended = time.monotonic()
    cpu = (usage.ru_utime + usage.ru_stime - cpu0) / (ended - started)
    # Frames still queued or never decoded are counted too: a slow presenter that always finds
    # frames waiting never sees the decoder fall behind, so `late` alone would hide them.
    # Due by the last presentation, with the frame choice's 2 ms tolerance (kiosk.media.timing.choose).
    due = min(player.info.frames, int((player.position(last) + 0.002) * player.info.fps) + 1)
    stats = player.stats
    player.stop()
    renderer.drop_stream("bench")
    return RealTime(due, stats.presented, stats.dropped, max(0, due - stats.presented - stats.dropped), stats.late,
                    cpu)


def playlist_gap(first: Path, second: Path, hz: float = 60.0) -> float:
    """Milliseconds between the last frame of `first` and the first of `second`, beyond one frame."""
    shown: list[tuple[float, int, float]] = []  # wall, clip index, pts
    playlist = Playlist([first, second], ClipPlayer)
    started = time.monotonic()
    playlist.start(started)
    tick, next_tick = 1.0 / hz, started
    fps = playlist.current.info.fps if playlist.current else 30.0
    while not playlist.finished and time.monotonic() < started + 30:
        now = time.monotonic()
        if playlist.present(now) and playlist.current is not None:
            shown.append((now, playlist.index, playlist.current.current_pts or 0.0))
        next_tick += tick
        time.sleep(max(0.0, next_tick - time.monotonic()))
    playlist.stop()
    last_first = max((w for w, i, _ in shown if i == 0), default=0.0)
    first_second = min((w for w, i, _ in shown if i == 1), default=0.0)
    return max(0.0, (first_second - last_first) - 1.0 / fps) * 1000


def av_offset(clip: Path, hz: float = 60.0) -> tuple[float, float]:
    """Mean and worst offset (ms) between marked frames put on screen and their beeps leaving a
    silent mixer stand-in that records when the sound started."""
    started: list[float] = []

    class Stopwatch:
        latency = 512 / 48_000

        def play(self, pcm: object) -> object:
            started.append(time.monotonic())
            return None

        def pause(self, handle: object) -> None:
            pass

        def resume(self, handle: object) -> None:
            pass

        def stop(self, handle: object) -> None:
            pass

    player = ClipPlayer(clip, sound=Stopwatch(), record=True)
    player.wait_buffered(12)
    begin = time.monotonic()
    player.start(begin)
    next_tick = begin
    while not player.finished and time.monotonic() < begin + player.info.duration + 1:
        player.present(time.monotonic())
        next_tick += 1.0 / hz
        time.sleep(max(0.0, next_tick - time.monotonic()))
    player.stop()
    pcm = decode_audio(clip)
    if pcm is None or not started:
        return 0.0, 0.0
    heard = [started[0] + Stopwatch.latency + b for b in beep_times(pcm)]
    marks = set(flash_times(clip))
    seen = [wall for wall, pts in player.stats.shown_at if any(abs(pts - m) < 1e-6 for m in marks)]
    offset = pair_offsets(seen, heard)
    return offset.mean * 1000, offset.worst * 1000


def show_cost(renderer: GLRenderer, memory: FrameMemory, size: tuple[int, int],
              frames: int = 60, screen_ready: bool = False) -> tuple[float, float]:
    """Milliseconds of wall and process CPU time to hand a frame to the renderer and draw it full
    screen, waiting for GL each time (a frame from `memory`: bound if mapped, else uploaded;
    `screen_ready`: rows stored bottom first, uploaded and copied if the size fits the target)."""
    ring = memory.ring(size[0], size[1], 1)
    ring[0][:] = np.random.default_rng(0).integers(0, 256, ring[0].shape, dtype=np.uint8)
    frame = ring[0][::-1] if screen_ready else ring[0]
    scene = Scene(Group((Video(Rect(0, 0, 1920, 1080), "bench"),)))
    renderer.update_stream("bench", frame)
    renderer.draw(scene)  # shaders compiled, texture made
    renderer.finish()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(frames):
        renderer.update_stream("bench", frame)
        renderer.draw(scene)
        renderer.finish()
    result = (time.perf_counter() - wall) / frames * 1000, (time.process_time() - cpu) / frames * 1000
    renderer.drop_stream("bench")
    memory.give_back(ring)
    return result


def frame_memory(renderer: GLRenderer) -> tuple[FrameMemory, str]:
    """The memory `kiosk run` decodes into on this driver, and its name for the report."""
    try:
        renderer.frames = MappedFrames.open(renderer.ctx)
    except GraphicsUnavailableError as exc:
        return HEAP, f"heap + upload ({exc})"
    return renderer.frames, "GPU-visible rings (no upload)"


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def run_video_bench(assets: Path, scenarios: Path, cache: Path, seconds: float, runs: int = 5,
                    clip_seconds: float = 10.0, compare_upload: bool = True, extras: bool = True
                    ) -> dict[str, Any]:
    """`clip_seconds`: length of the throughput clips; `compare_upload`: also time the clip's own
    frames drawn through the shaders (the path before screen-ready frames, and where they cannot be
    copied), alternated with the kiosk's path; `extras`: also time handing one frame over three ways,
    the playlist gap and the A/V offset (no row of issue 24's table, ~30 s here: `kiosk bench all`
    skips them)."""
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    renderer = GLRenderer(create_offscreen_context(), (1280, 720), [assets / "images"], FontFiles.bundled(assets))
    memory, memory_name = frame_memory(renderer)
    figures: dict[str, Any] = {"memory": memory_name, "runs": runs, "seconds": seconds}
    print(f"kiosk bench video — {os.cpu_count()} cores, clips in {cache}; frames decoded into {memory_name}; "
          f"{runs} alternated runs, min / median / max")
    for label, size in SIZES.items():
        clip = make_clip(cache, "pattern", size, clip_seconds)
        cvs, avs, raws, kiosks, uploads = [], [], [], [], []
        for _ in range(runs):  # alternated: this machine is noisy
            cvs.append(raw_decode_fps(clip))
            avs.append(pyav_decode_fps(clip))
            raws.append(pyav_raw_fps(clip))
            kiosks.append(kiosk_path_fps(clip, renderer, memory))
            if compare_upload:
                uploads.append(kiosk_path_fps(clip, renderer, memory, screen=False))
        anchors = list(zip(cvs, avs, raws, strict=True))
        best = [max(run) for run in anchors]
        fastest = [ANCHORS[run.index(max(run))] for run in anchors]
        ratio = [k / b for k, b in zip(kiosks, best, strict=True)]
        upload_ratio = [u / b for u, b in zip(uploads, best, strict=False)]
        print(f"{label}: raw decode OpenCV → BGR {_spread(cvs)} fps, PyAV → BGRA {_spread(avs)} fps, "
              f"PyAV yuv420p {_spread(raws)} fps; the fastest, each run's denominator: "
              + ", ".join(f"{name} ×{fastest.count(name)}" for name in ANCHORS if name in fastest))
        print(f"{label}: decode + draw every frame {_spread(kiosks)} fps, ÷ best raw decode {_spread(ratio)} "
              "(target ≥ 0.9)" + (f" | the clip's own frames drawn by the shaders {_spread(uploads)} fps, "
                                  f"÷ best {_spread(upload_ratio)}" if uploads else ""))
        figures[label] = {"opencv_fps": cvs, "pyav_bgra_fps": avs, "pyav_yuv420p_fps": raws, "anchor": fastest,
                          "decode_draw_fps": kiosks, "decode_draw_ratio": ratio,
                          "shader_draw_fps": uploads, "shader_draw_ratio": upload_ratio}
        if extras:
            figures[label].update(_show_costs(renderer, memory, label, size))
    realtime: dict[str, Any] = {}
    for label, size, fps in (("1080p30", SIZES["1080p"], 30), ("1080p60", SIZES["1080p"], 60),
                             ("720p30", SIZES["720p"], 30)):
        clip = make_clip(cache, "pattern", size, max(seconds, 1.0), fps)
        real = present_in_real_time(clip, renderer, memory, seconds)
        realtime[label] = {**asdict(real), "missed": real.missed}
        print(f"{label}: {seconds:g} s presented at 60 Hz, every shown frame drawn: {real.due} frames due, "
              f"{real.presented} shown, {real.missed} missed ({real.dropped} dropped, {real.behind} not decoded in "
              f"time), {real.late} late; {real.cpu:.2f} CPU s per second of video")
    figures["realtime"] = realtime
    if extras:
        _playlist_and_sync(cache, scenarios, figures)
    renderer.release()
    if isinstance(memory, MappedFrames):
        memory.release()
    return figures


def _show_costs(renderer: GLRenderer, memory: FrameMemory, label: str, size: tuple[int, int]) -> dict[str, float]:
    shown, uploaded = show_cost(renderer, memory, size), show_cost(renderer, HEAP, size)
    copied = show_cost(renderer, HEAP, (1280, 720), screen_ready=True)
    print(f"{label}: a frame handed over and drawn into 1280×720: from a ring {shown[0]:.1f} ms ({shown[1]:.1f} ms "
          f"CPU) | heap + upload: {uploaded[0]:.1f} ms ({uploaded[1]:.1f} ms CPU) | screen-ready 1280×720, "
          f"uploaded and copied: {copied[0]:.1f} ms ({copied[1]:.1f} ms CPU)")
    return {"show_ms": shown[0], "show_cpu_ms": shown[1], "upload_show_ms": uploaded[0],
            "upload_show_cpu_ms": uploaded[1], "copy_show_ms": copied[0], "copy_show_cpu_ms": copied[1]}


def _playlist_and_sync(cache: Path, scenarios: Path, figures: dict[str, Any]) -> None:
    short = make_clip(cache, "pattern", SIZES["720p"], 3.0)
    figures["playlist_gap_ms"] = playlist_gap(short, short)
    print(f"playlist of two 720p clips: gap {figures['playlist_gap_ms']:.1f} ms beyond one frame period")
    sample = next(iter(sorted(scenarios.glob("*/media/arrivee.mp4"))), None)
    if sample is not None:
        mean, worst = av_offset(sample)
        figures["av_offset_ms"] = {"mean": mean, "worst": worst}
        print(f"A/V offset on {sample.parent.parent.name}'s clip: mean {mean:+.1f} ms, worst {worst:.1f} ms "
              "(target ±45 ms)")
