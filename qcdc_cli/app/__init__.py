"""Use cases that compose the stages and read files: extract, ingest, lineage questions,
check. They return results and notes and never print; the CLI and the library API call
them.
"""
