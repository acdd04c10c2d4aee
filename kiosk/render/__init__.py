"""Rendering: GL contexts, the instanced batcher, text, and the software baseline.

Render reads `kiosk.view.nodes` values; it never decides what to show.
"""
