"""How the houses move bytes and messages: blob stores and Celery headers, no Django."""
