"""Rendering: GL contexts, the instanced batcher, text, and the software baseline.

Render reads `kiosk.runtime.view` values; it never decides what to show.
"""
