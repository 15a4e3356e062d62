"""A ModelArts-compatible model-management server backed by the local registry.

`api` answers requests, `request` parses and checks them, `faults` injects failures for tests,
`head` reads a request's head, and `serving` runs the HTTP server. The client side lives in
`validator.registry`.
"""
