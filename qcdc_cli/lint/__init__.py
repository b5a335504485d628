"""Checks on drafts (`qcdc check`): the rule table and the rules, from an extraction and
what the registry and the index know. Returns diagnostics; printing is the renderers'
job.
"""
