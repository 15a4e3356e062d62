from validator.console import run

run()
