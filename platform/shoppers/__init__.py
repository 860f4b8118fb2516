"""Shoppers: sign-up, profile, measurements and photos, all personal data encrypted."""
