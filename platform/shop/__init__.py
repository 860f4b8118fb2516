"""The shop's interface: the pages, session API, admin and commands that compose several
domains (catalogue, shoppers, suggestions, try-ons, the data lifecycle). Above every domain,
below only the project; no models."""
