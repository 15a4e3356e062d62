"""Model registries: the `Registry` protocol and its backends (local SQLite, ModelArts HTTP)."""
