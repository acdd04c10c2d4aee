"""k-anonymity for the agency report: a count of fewer than k visitors is never shown.

A cell counting 1..k-1 visitors is suppressed. When a column has exactly one suppressed cell,
the smallest other shown count of that column is suppressed too, so the hidden one cannot be
worked out from a total (secondary suppression). Zero is shown: nobody is singled out by it.
"""

from __future__ import annotations

from collections.abc import Sequence

K = 10
SUPPRESSED = f"<{K}"


def suppress_column(counts: Sequence[int], k: int = K) -> list[int | None]:
    """The counts with those that must not be shown replaced by None."""
    shown: list[int | None] = [None if 0 < n < k else n for n in counts]
    if sum(1 for n in shown if n is None) == 1:
        others = [(n, i) for i, n in enumerate(shown) if n]
        if others:
            shown[min(others)[1]] = None
    return shown
