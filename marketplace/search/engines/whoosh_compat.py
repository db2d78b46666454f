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
    from whoosh import index as whoosh_index
    from whoosh import query as whoosh_query
    from whoosh import reading as whoosh_reading
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
    from whoosh.lang.porter import stem as porter_stem
    from whoosh.scoring import bm25

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
    "whoosh_index",
    "whoosh_query",
    "whoosh_reading",
]
