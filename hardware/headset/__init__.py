"""Head-mounted displays: one interface, an OpenXR implementation, and a simulated twin."""
