"""What the agencies learn: aggregates over the statements of every kiosk, read back from the LRS."""
