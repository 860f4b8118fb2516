"""Which size of a garment fits a body: one rule for the storefront and the recommender."""
