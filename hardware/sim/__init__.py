"""Simulators for devices nobody has at hand: the board on a real pseudo-terminal, a headset."""
