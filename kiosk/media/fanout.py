"""The streams on screen handed to every output that shows them: the display (or a monitor
headset's side-by-side eyes) and, when one is attached, an OpenXR headset's eyes."""

from __future__ import annotations

from typing import Protocol

from kiosk.media.decoder import Frame


class StreamOutput(Protocol):
    def update_stream(self, name: str, frame: Frame) -> None: ...
    def drop_stream(self, name: str) -> None: ...


class StreamFanout:
    """`MediaDeck`'s upload/drop for several outputs at once: each frame goes to all of them."""

    def __init__(self, *outputs: StreamOutput) -> None:
        self.outputs = list(outputs)

    def add(self, output: StreamOutput) -> None:
        self.outputs.append(output)

    def update_stream(self, name: str, frame: Frame) -> None:
        for output in self.outputs:
            output.update_stream(name, frame)

    def drop_stream(self, name: str) -> None:
        for output in self.outputs:
            output.drop_stream(name)
