"""Live-session services, imported by module: `scheduling`, `attendance`, `credit`,
`calendar`, `reminders`."""
