"""xAPI statements for the kiosk's results, and their delivery to a learning record store."""
