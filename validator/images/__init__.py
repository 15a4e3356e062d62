"""Online image checks: ask each image's registry over the OCI distribution API v2.

Imported only by `validate --check-images` (or `images.check: true`), so the offline
path never loads `requests` nor opens a connection.
"""
