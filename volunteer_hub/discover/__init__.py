"""Finding and sharing roles: `/roles` search, the Atom and volunteering-data feeds, embeds."""
