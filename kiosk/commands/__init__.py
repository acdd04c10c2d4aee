"""Command handlers behind `kiosk` subcommands that are tools rather than the kiosk itself."""
