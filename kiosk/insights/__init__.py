"""What the agencies learn: fleet-wide aggregates read back from the LRS (pure), k-anonymous by construction."""
