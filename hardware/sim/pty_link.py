"""A pseudo-terminal pair under a stable name: what a USB serial board looks like to the kiosk
(a /dev/ttyACM* node behind a udev symlink). Unplugging closes the pair and removes the name;
replugging makes a new pair behind the same name — exactly what the driver meets in the field.
"""

from __future__ import annotations

import os
import tty
from pathlib import Path


class PtyLink:
    def __init__(self, name: Path) -> None:
        self.name = name
        self.master_fd: int | None = None
        self._slave_fd: int | None = None

    @property
    def plugged(self) -> bool:
        return self.master_fd is not None

    def plug(self) -> None:
        if self.master_fd is not None:
            return
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line editing: the driver's own settings come when it opens it
        os.set_blocking(master, False)
        # The simulator keeps the slave open too, so the pair lives between driver reconnects.
        self.master_fd, self._slave_fd = master, slave
        temporary = self.name.with_name(self.name.name + ".new")
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(os.ttyname(slave))
        temporary.replace(self.name)  # atomic, like udev updating /dev/nova-board

    def unplug(self) -> None:
        self.name.unlink(missing_ok=True)
        for fd in (self.master_fd, self._slave_fd):
            if fd is not None:
                os.close(fd)
        self.master_fd = self._slave_fd = None

    def write(self, data: bytes) -> int:
        """Bytes towards the kiosk; 0 when unplugged or the line is full (a real UART drops them too)."""
        if self.master_fd is None:
            return 0
        try:
            return os.write(self.master_fd, data)
        except (BlockingIOError, OSError):
            return 0

    def read(self, size: int = 4096) -> bytes:
        if self.master_fd is None:
            return b""
        try:
            return os.read(self.master_fd, size)
        except (BlockingIOError, OSError):
            return b""
