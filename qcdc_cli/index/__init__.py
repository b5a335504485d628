"""The index: the local database `qcdc ingest` writes and the lineage commands read; the
only SQL in qcdc.

- `api`: the interface a backend implements (the SQLite `Store` now; PostgreSQL later);
- `schema`: DDL and user_version migrations;
- `rows`: one named row type per table, and the codecs between them and qcdc's models;
- `corpus`: Extraction -> rows (in ingest workers) and rows -> Extraction;
- `store`: the SQLite Store: open, transactions, batches, the ingest lock, reads, writes;
- `derived`: the derived tables (resolution, lineage graph), written and read back;
- `queries`: whole-index reports (stats, unresolved) as typed results.
"""
