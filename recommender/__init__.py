"""The garment recommender: body-shape and style embeddings served from FAISS.

Plain Python; never imports Django. It sees garment ids and shopper pseudonyms, never identities.
"""
