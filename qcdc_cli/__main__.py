"""`python -m qcdc_cli` runs the command line."""

from qcdc_cli.cli import main

main()
