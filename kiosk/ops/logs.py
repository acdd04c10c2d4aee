"""Structured logs: one JSON object per line on stdout, which journald stores as is. Messages are
written without personal data by construction — the kiosk never knows a name."""

from __future__ import annotations

import json
import logging
import sys
import threading
from datetime import UTC, datetime
from types import TracebackType


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        if record.exc_info:  # the error and where it was raised, on the same line
            lines = self.formatException(record.exc_info).splitlines()
            entry["error"] = lines[-1]
            where = [line.strip() for line in lines if line.lstrip().startswith("File ")]
            if where:
                entry["where"] = where[-1]
        return json.dumps(entry, ensure_ascii=False)


def configure(fmt: str, verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stdout if fmt == "json" else sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else
                         logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if fmt == "json":  # whatever Python would print on its own goes through the same one-line objects
        sys.excepthook = _log_uncaught
        threading.excepthook = _log_uncaught_in_thread
        logging.captureWarnings(True)


def _log_uncaught(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    logging.getLogger("kiosk").critical("uncaught %s", kind.__name__, exc_info=(kind, error, trace))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "?"
    logging.getLogger("kiosk").error("thread %s stopped: uncaught %s", name, args.exc_type.__name__,
                                     exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback))
