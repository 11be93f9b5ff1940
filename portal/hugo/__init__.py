"""
Moving in from Hugo: read a Hugo site (its configuration, `content/` and
`static/`) and import it as posts, talks and paper-club sessions, with every
old address answering with a redirect. `services.hugo_site_import` does the
work; `manage.py import_hugo` calls it.
"""
