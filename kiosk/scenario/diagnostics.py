"""Findings about authored content: errors (the pack cannot be served) and warnings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.scenario.source import LocatedError, Mark, compiler_report, snippet


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: Severity
    mark: Mark
    message: str
    hint: str
    check: str  # which rule found it, e.g. "reference", "translation": lets tests and CI filter
    snippet: str = ""

    def render(self) -> str:
        """Compiler style: `file:line:col: error: message`, the line with a caret, the hint."""
        return compiler_report(f"{self.mark}: {self.severity}: {self.message}", self.snippet, self.hint)


def from_located(error: LocatedError, check: str) -> Diagnostic:
    message = error.message.removeprefix(f"{error.mark}: ")
    return Diagnostic(Severity.ERROR, error.mark, message, error.hint, check, error.snippet)


class Reporter:
    """Collects diagnostics for one pack; knows the sources so it can show the lines."""

    def __init__(self) -> None:
        self.sources: dict[str, str] = {}
        self.found: list[Diagnostic] = []

    def add(self, severity: Severity, mark: Mark, message: str, hint: str, check: str) -> None:
        source = self.sources.get(mark.file, "")
        self.found.append(Diagnostic(severity, mark, message, hint, check, snippet(source, mark) if source else ""))

    def error(self, mark: Mark, message: str, hint: str, check: str) -> None:
        self.add(Severity.ERROR, mark, message, hint, check)

    def warning(self, mark: Mark, message: str, hint: str, check: str) -> None:
        self.add(Severity.WARNING, mark, message, hint, check)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.found if d.severity is Severity.ERROR]
