"""Search: the derived index of published organisations, behind one small engine interface.

The database is the source of truth. ``documents`` flattens organisations into engine-neutral documents,
``engine`` defines the interface (Whoosh by default, tantivy for large directories), ``sync`` follows the
database after each commit, ``maintenance`` rebuilds and checks the index, ``cli`` exposes both.
"""
