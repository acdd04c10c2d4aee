"""The board protocol: CRC, COBS, frames, and the packetizer under random and mutated input."""

from __future__ import annotations

import random
from collections import deque
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.protocol import cobs
from hardware.protocol.crc import crc16
from hardware.protocol.frames import (
    MAX_PAYLOAD,
    Ack,
    Button,
    Buzz,
    ErrorReport,
    Frame,
    FrameError,
    Heartbeat,
    Hello,
    HelloRequest,
    Message,
    Selftest,
    SelftestResult,
    SetLed,
    encode_frame,
    encode_message,
    pack_message,
    parse_body,
    unpack_message,
)
from hardware.protocol.packetizer import Packetizer
from hardware.protocol.vectors import lines

VECTORS = Path(__file__).resolve().parents[2] / "hardware" / "firmware" / "test" / "vectors.txt"
u8, u16, u32 = st.integers(0, 255), st.integers(0, 0xFFFF), st.integers(0, 0xFFFFFFFF)
messages: st.SearchStrategy[Message] = st.one_of(
    st.builds(Hello, st.tuples(u8, u8), st.tuples(u8, u8, u8), st.integers(0, 16), st.integers(0, 16),
              st.binary(min_size=8, max_size=8)),
    st.builds(Button, st.integers(0, 15), st.booleans(), u32),
    st.builds(Heartbeat, u32, st.integers(0, 3), u16),
    st.builds(ErrorReport, st.integers(1, 6), u8),
    st.builds(Ack, u8, st.integers(0, 6)),
    st.builds(SelftestResult, u16, u16),
    st.builds(HelloRequest, st.tuples(u8, u8)),
    st.builds(SetLed, st.integers(0, 15), st.tuples(u8, u8, u8), u16),
    st.builds(Buzz, u16, u16),
    st.just(Selftest()),
)


def test_crc_check_value() -> None:
    assert crc16(b"123456789") == 0x29B1  # the catalogue's check value for CRC-16/CCITT-FALSE


@given(st.binary(max_size=700))
def test_cobs_round_trips_and_removes_every_zero(data: bytes) -> None:
    encoded = cobs.encode(data)
    assert 0 not in encoded
    assert cobs.decode(encoded) == data
    assert len(encoded) <= len(data) + 1 + len(data) // 254


@given(messages, u8)
def test_every_message_survives_the_wire(message: Message, seq: int) -> None:
    wire = encode_message(message, seq)
    assert wire[0] == 0 and wire[-1] == 0 and 0 not in wire[1:-1]
    frame = parse_body(wire[1:-1])
    assert frame.seq == seq
    assert unpack_message(frame) == message


@pytest.mark.parametrize(("body", "kind"), [
    (b"\x05\x01", "cobs"), (cobs.encode(b"\x02\x01\x00"), "short"),
    (cobs.encode(b"\x7e\x00\x00\x00"), "crc")])
def test_bad_bodies_are_named(body: bytes, kind: str) -> None:
    with pytest.raises(FrameError) as caught:
        parse_body(body)
    assert caught.value.kind == kind


@pytest.mark.parametrize("message", [Button(16, True, 0), Heartbeat(0, 0x80, 0), ErrorReport(9, 0), Ack(0, 42),
                                     SetLed(16, (0, 0, 0), 0), Hello((1, 0), (1, 0, 0), 40, 4, bytes(8))])
def test_values_outside_the_protocol_are_refused_even_with_a_good_crc(message: Message) -> None:
    with pytest.raises(FrameError) as caught:
        parse_body(encode_message(message, 1)[1:-1])
    assert caught.value.kind == "value"


def test_oversized_payloads_are_refused_before_they_reach_the_wire() -> None:
    with pytest.raises(ValueError, match="60-byte limit"):
        encode_frame(Frame(0x02, 0, bytes(MAX_PAYLOAD + 1)))


def test_the_committed_vectors_are_what_the_python_side_produces() -> None:
    assert VECTORS.read_text().splitlines() == list(lines()), (
        "regenerate: python -m hardware.protocol.vectors > hardware/firmware/test/vectors.txt")


@given(st.binary(max_size=2000))
def test_garbage_never_crashes_the_packetizer(data: bytes) -> None:
    packetizer = Packetizer()
    for frame in packetizer.feed(data):
        assert isinstance(unpack_message(frame), Message)  # anything delivered is a well-formed message
    assert packetizer.stats.bytes == len(data)


@given(st.lists(st.tuples(messages, u8), min_size=1, max_size=20), st.lists(st.binary(max_size=30), max_size=21),
       st.data())
def test_valid_frames_come_through_noise_and_any_chunking(sent: list[tuple[Message, int]], noise: list[bytes],
                                                          data: st.DataObject) -> None:
    wire = b"".join((noise[i] if i < len(noise) else b"") + encode_message(m, s) for i, (m, s) in enumerate(sent))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=10)))
    packetizer = Packetizer()
    frames = []
    for start, end in zip([0, *cuts], [*cuts, len(wire)], strict=True):
        frames += packetizer.feed(wire[start:end])
    got = [(unpack_message(f), f.seq) for f in frames]
    # Noise before a frame can only be mistaken for a frame if it is one; every sent frame arrives, in order.
    it = iter(got)
    assert all(any(item == wanted for item in it) for wanted in sent)


def _mutate(rng: random.Random, wire: bytes) -> bytes:
    data = bytearray(wire)
    for _ in range(rng.randint(1, 3)):
        if not data:
            break
        choice = rng.randrange(6)
        i = rng.randrange(len(data))
        if choice == 0:
            data[i] ^= 1 << rng.randrange(8)  # bit flip
        elif choice == 1:
            data[i] = rng.randrange(256)  # byte replaced
        elif choice == 2:
            del data[i]  # byte lost
        elif choice == 3:
            data.insert(i, rng.randrange(256))  # byte added
        elif choice == 4:
            del data[i:]  # frame cut short
        else:
            data[i:i] = data[max(0, i - 4):i]  # bytes repeated
    return bytes(data)


def _fuzz(frames: int, seed: int) -> tuple[int, int]:
    """Random messages, most of them mutated on the wire; returns (delivered, corrupted deliveries)."""
    rng = random.Random(seed)
    packetizer = Packetizer()
    recent: deque[tuple[int, int, bytes]] = deque(maxlen=10_000)  # frames still on the wire
    delivered = corrupted = 0
    batch = bytearray()
    for n in range(frames):
        message = Button(rng.randrange(8), rng.random() < 0.5, rng.randrange(2**32)) if n % 3 else \
            Heartbeat(rng.randrange(2**32), rng.randrange(4), rng.randrange(2**16))
        seq = n & 0xFF
        wire = encode_message(message, seq)
        kind, payload = pack_message(message)
        recent.append((kind, seq, payload))
        batch += _mutate(rng, wire) if rng.random() < 0.7 else wire
        if rng.random() < 0.05:
            batch += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))  # line noise
        if len(batch) > 4096 or n == frames - 1:
            sent = set(recent)
            for frame in packetizer.feed(bytes(batch)):
                delivered += 1
                corrupted += (frame.type, frame.seq, frame.payload) not in sent
            batch.clear()
    return delivered, corrupted


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32))
def test_mutated_streams_never_deliver_a_corrupted_frame(seed: int) -> None:
    delivered, corrupted = _fuzz(2500, seed)  # 100k frames per CI run across the examples
    assert corrupted == 0
    assert delivered > 2500 * 0.25  # the clean ones (~30 %) and the harmless mutations get through


@pytest.mark.slow
def test_a_million_mutated_frames_never_deliver_a_corrupted_frame() -> None:
    delivered, corrupted = _fuzz(1_000_000, 20261122)
    assert corrupted == 0 and delivered > 250_000
