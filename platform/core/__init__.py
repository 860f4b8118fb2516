"""Shared foundations: errors, base models, image intake, health checks, the launcher."""
