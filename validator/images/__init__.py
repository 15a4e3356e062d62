"""Online image checks: ask each image's registry over the OCI distribution API v2.

Imported only by `validate --check-images` (or `images.check: true`), so the offline
path never loads `requests` nor opens a connection. The rules (check/rules/image_online.py)
import only these constants.
"""

PLATFORMS = ("linux/amd64", "linux/arm64")  # what ModelArts runs, in order of preference
SIZE_LIMIT = 30 << 30  # the custom-image limit, 30 GB (GiB, as the console counts)
PORT = "8080/tcp"
