"""What qcdc knows before reading a text: the registry schema, loading and cache, the
compiled vocabulary, the number grammar, committee terms and the province gazetteer.
Imports no processing stage.
"""
