"""Scoring: from a visit's observations to skill estimates with uncertainty and explanations."""
