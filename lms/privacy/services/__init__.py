"""Privacy services, imported by module: `data_rights` (export, erasure, retention, through
the registry) and `wellbeing` (the statement and check-ins)."""
