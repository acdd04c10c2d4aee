"""The hardware layer's exception root. `hardware` never imports the engine, so it has its own
root; the kiosk's CLI turns these into one-line messages and exit codes beside KioskError."""

from __future__ import annotations


class HardwareError(Exception):
    """A device cannot be used; `hint` says what to do about it."""

    exit_code = 69  # EX_UNAVAILABLE

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message


class DeviceUrlError(HardwareError):
    """A device URL that names no known scheme or has bad parameters."""

    exit_code = 78  # EX_CONFIG
