"""The hardware layer: board protocol, drivers, simulators, headsets. Never imports `kiosk`."""
