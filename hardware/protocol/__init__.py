"""The kiosk board protocol (hardware/PROTOCOL.md): COBS frames of [type, seq, payload, CRC-16]."""
