"""The kiosk's button/LED/buzzer board: URL-selected ports, a driver thread, pure helpers."""
