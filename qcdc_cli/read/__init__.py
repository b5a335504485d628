"""Bytes to text: the one folder walker, decoding and size limits, file formats, and
normalization with an offset map back to the source (so evidence keeps its line and
column).
"""
