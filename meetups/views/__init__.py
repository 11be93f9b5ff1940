"""The club's public pages and downloads, one module per area."""
