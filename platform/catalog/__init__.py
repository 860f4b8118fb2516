"""Merchants and their garments: sizes, images, bulk import, storefront pages."""
