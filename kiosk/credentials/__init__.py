"""Open Badges 3.0 skill credentials, signed as VC-JWT (Ed25519), and their hand-off by QR code."""
