"""One module per group of commands; `validator.cli` wires them into argparse."""
