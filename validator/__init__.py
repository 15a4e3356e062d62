"""modelarts-gitops: validate ModelArts model imports kept in git, and sync them to a registry."""

__version__ = "0.1.0"
