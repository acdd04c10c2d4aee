"""The view types: what a screen shows, as immutable values. Render reads these and nothing above."""
