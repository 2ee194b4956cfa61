"""Practicum services, imported by module: `practicum` (placements and the hours ledger),
`supervision` (sessions and competency sign-offs) and `notifications` (practicum emails)."""
