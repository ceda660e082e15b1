"""Features that plug into the site through the hooks it offers (`statpub.dashboards.hooks`):
pre-release access and briefing packs (press), and the office's other openness duties."""
