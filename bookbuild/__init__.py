"""How the book is built: one small module per build concern.

Each module works without MkDocs and has its own tests; `scripts/hooks.py`
only wires MkDocs' events to them. Pages import the figure library at build
time as `from bookbuild import bookfig`.
"""
