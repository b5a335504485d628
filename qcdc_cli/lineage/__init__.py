"""The lineage graph built from resolved references: typed links with evidence, traces up
and down, shortcut folding and coverage. The only importer of networkx.
"""
