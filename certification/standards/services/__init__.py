"""Standards services, imported by module: `frameworks` (the frameworks file, alignment),
`credentials` (credentials and their versions from the file and the admin) and `rules` (the
rules of a credential as the practicum needs them)."""
