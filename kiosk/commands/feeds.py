"""Importing a feed (offers, trainings): stream the good rows into the kiosk's file and swap it in
atomically, print each bad row where it is, and keep the previous file unless the new one is usable."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TextIO, TypeVar

from kiosk.errors import ContentError
from kiosk.matching.feed import FeedError, RowError

MAX_SHOWN_ERRORS = 100  # a feed of a million bad rows prints the first ones and a count

T = TypeVar("T")


def import_feed(feed: Path, target: Path, rows: Callable[[], Iterable[T | RowError]],
                write: Callable[[Iterable[T], IO[str]], int], noun: str, *, strict: bool,
                out: TextIO | None = None) -> int:
    """`rows` reads the feed lazily; `write` writes the good ones. Returns the exit code."""
    out = out or sys.stdout
    temporary = target.with_name(target.name + ".new")
    errors = 0

    def good_rows() -> Iterator[T]:
        nonlocal errors
        for item in rows():
            if not isinstance(item, RowError):
                yield item
                continue
            errors += 1
            if errors <= MAX_SHOWN_ERRORS:
                out.write(f"{item}\n")

    try:
        if not feed.is_file():
            raise ContentError(f"{feed}: cannot read the feed (no such file)", "check the path")
        target.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("w", encoding="utf-8") as f:
            count = write(good_rows(), f)
    except FeedError as exc:  # the rest of the feed cannot be read: importing half of it would mislead
        temporary.unlink(missing_ok=True)
        out.write(f"{exc.error}\n{noun}: nothing imported (the feed cannot be read past line {exc.error.line})\n")
        return ContentError.exit_code
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ContentError(f"{exc.filename or feed}: cannot read or write ({exc.strerror})", "check the path") from exc
    if errors > MAX_SHOWN_ERRORS:
        out.write(f"... and {errors - MAX_SHOWN_ERRORS} more bad rows\n")
    if not count or (strict and errors):
        temporary.unlink(missing_ok=True)
        out.write(f"{noun}: nothing imported ({errors} bad rows)\n")
        return ContentError.exit_code
    temporary.replace(target)  # the kiosk never reads half a feed
    out.write(f"{noun}: {count} imported into {target}, {errors} rows skipped\n")
    return 0
