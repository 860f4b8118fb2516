"""Seeing the shopper: plain computer vision both workers share (no Celery, no Django).

Image decoding under a pixel limit (``image_decode``, on the header-only bomb guard
``pixel_guard`` that the storefront's upload intake shares), MediaPipe pose, faces and the
person mask (``pose``), per-pixel person parsing (``parsing``), the torso frame
(``body_frame``) and the thin-plate spline (``tps``) a garment is pinned with, and the
errors a photo that cannot be used raises (``errors``). The try-on worker renders with it; the
recommender measures body shape with it; neither imports the other.
"""
