"""The one exception root of the engine.

Every error a person can meet carries a `hint`: what to do about it. The CLI turns
these into one-line messages and exit codes in one place (`kiosk.cli`).
"""

from __future__ import annotations


class KioskError(Exception):
    """Root of every error the engine raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message


class ConfigError(KioskError):
    """A configuration value is missing or wrong; the message names the key and the file."""

    exit_code = 78  # EX_CONFIG


class GraphicsUnavailableError(KioskError):
    """No OpenGL driver or display could be opened."""

    exit_code = 69  # EX_UNAVAILABLE


class AssetError(KioskError):
    """A font, image or media file is missing or unreadable."""

    exit_code = 66  # EX_NOINPUT


class ContentError(KioskError):
    """Authored content (a scenario pack) is invalid."""

    exit_code = 65  # EX_DATAERR
