"""Nova Kiosk: a serious-game and VR job-discovery kiosk engine."""

__version__ = "0.1.0"
