"""Helpers tests import by name: readers of what the site serves, not fixtures."""
