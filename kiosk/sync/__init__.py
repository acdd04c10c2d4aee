"""Delivering the outbox to a learning record store: the LRS client and the sync worker. The statements
are built with the visit records (kiosk.store.xapi); sync only delivers what the outbox holds."""
