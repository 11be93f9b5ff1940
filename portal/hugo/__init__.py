"""
Moving in from Hugo: read a Hugo site (its configuration, `content/` and
`static/`), plan where each page goes, and have the app that owns each kind of
page (posts, talks, paper-club sessions) save it, with every old address
answering with a redirect. `services.hugo_site_import` does the work;
`manage.py import_hugo` calls it; the apps plug in through `targets`.
"""
