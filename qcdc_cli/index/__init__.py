"""The embedded SQLite index: schema and migrations, the store, rows of files and derived
tables. The only module that speaks SQL.
"""
