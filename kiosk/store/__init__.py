"""The kiosk's SQLite store: sessions, step results, skill estimates, and the xAPI statements that
report them (pure builders: xapi, scenario_statements, clip_statements), queued in the outbox in the
same transaction as the rows they report."""
