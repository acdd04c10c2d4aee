"""The kiosk's SQLite store: sessions, step results, skill estimates and the xAPI outbox."""
