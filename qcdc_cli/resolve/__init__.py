"""Which document a written number means: the documents inside a file, the catalog of known
documents and scoped identity (province, district, term, date); ambiguity is reported,
never guessed.
"""
