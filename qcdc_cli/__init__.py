"""qcdc: trace Vietnamese Party and State documents through the hierarchy that issued them.

The public entry points are the stage functions: `extract.extract_text` (text to
references), the registry loader, the lineage graph and the checks. Nothing heavy is
imported here, so `qcdc --help` stays fast.
"""

__version__ = "0.1.0"
