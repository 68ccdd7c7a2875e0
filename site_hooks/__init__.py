"""MkDocs hooks: the build glue of the site (listed under ``hooks:`` in mkdocs.yml).

Each hook file is loaded by MkDocs on its own (not as part of this package), so each one is
self-contained. Order in mkdocs.yml matters: rule_tables, law_pages (content), then calculator_page,
wheel, pyodide_assets, security, offline (the service-worker manifest hashes the final files, so it
runs last).
"""
