"""Carrying out a visit: record it, score it, match offers, sign the hand-off (the session screen's host)."""
