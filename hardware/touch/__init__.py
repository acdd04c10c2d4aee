"""Serial touch controllers found in older kiosks. USB HID touch screens need nothing here:
the kernel's evdev driver handles them and SDL delivers finger events (see hardware/TOUCH.md)."""
