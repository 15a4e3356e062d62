"""Checking: rules over loaded documents, producing located diagnostics."""
