"""Telling shoppers: live page updates and e-mail when their try-on is ready."""
