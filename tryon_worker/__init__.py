"""The GPU try-on worker: pose estimation and rendering. Plain Python; never imports Django.

It receives pseudonymous job messages by Celery from the `tryon` queue and answers with events.
"""
