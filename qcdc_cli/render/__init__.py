"""Renderers: turn results into text for a terminal or a file. One module per output."""
