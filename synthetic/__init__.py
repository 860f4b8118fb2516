"""Procedural data, plain Python (no Django, no house): product shots of garments drawn from a
spec (``garments``), and synthetic people wearing synthetic garments written as try-on
training sets in the VITON-HD and DressCode layouts (``people``; ``python -m synthetic.people``).
"""
