"""Try-on jobs: requests from shoppers, their states and results (queued to tryon_worker)."""
