"""Login identities (the custom user model)."""
