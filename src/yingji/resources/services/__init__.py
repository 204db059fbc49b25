"""Writes of the app, one module per subject."""
