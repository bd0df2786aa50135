"""Public pages: home, privacy notice, accessibility statement, health check."""
