"""Procedural data, plain Python (no Django): product shots of garments drawn from a spec."""
