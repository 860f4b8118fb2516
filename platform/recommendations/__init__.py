"""Suggested garments for shoppers, served from the recommender worker over Celery."""
