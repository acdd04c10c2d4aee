"""Device profiles: one TOML file per known device (hardware/profiles/*.toml)."""
