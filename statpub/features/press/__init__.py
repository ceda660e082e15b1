"""Pre-release access for press and reviewer accounts, its append-only log, and the briefing pack."""
