"""Imports of Whoosh 2.7.4, the one place they happen.

Whoosh 2.7.4 (2016) has string literals such as ``"\\w"`` and an ``is`` comparison with a literal that Python 3.11
reports as DeprecationWarning / SyntaxWarning when it compiles the modules (only when no cached bytecode
exists, e.g. on a fresh install). The test suite turns warnings into errors, so the compile-time warnings of
*these modules only* are silenced here, at import time; warnings raised while Whoosh runs are untouched.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=SyntaxWarning, module=r"whoosh(\.|$)")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"whoosh(\.|$)")
    warnings.filterwarnings("ignore", message=r"invalid escape sequence", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=r'"is" with a literal', category=SyntaxWarning)
    from whoosh import analysis as whoosh_analysis
    from whoosh import formats as whoosh_formats
    from whoosh import index as whoosh_index
    from whoosh import query as whoosh_query
    from whoosh import reading as whoosh_reading
    from whoosh import system as whoosh_system
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.codec import whoosh3
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
    from whoosh.lang.porter import stem as porter_stem
    from whoosh.scoring import bm25


def _cached_reader(self, fieldname, column):
    """``W3PerDocReader._cached_reader`` that also remembers a column the segment does not have.

    Whoosh 2.7.4 caches only the columns it finds, so for every posting of a field without a lengths column (the
    keyword fields) it asked the file system again whether the file exists: about a fifth of a rebuild's commit. A
    segment's files never change once written, so the answer holds for the reader's life.
    """
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
        return reader


whoosh3.W3PerDocReader._cached_reader = _cached_reader

__all__ = [
    "ID",
    "KEYWORD",
    "NUMERIC",
    "STORED",
    "TEXT",
    "Schema",
    "StemmingAnalyzer",
    "bm25",
    "porter_stem",
    "whoosh_analysis",
    "whoosh_formats",
    "whoosh_index",
    "whoosh_query",
    "whoosh_reading",
    "whoosh_system",
]
