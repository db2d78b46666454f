"""The search engines: one small interface and the two embedded engines behind it.

``engine`` holds the interface, the query and result types and the factory (``SEARCH_ENGINE`` picks Whoosh, the
default, or tantivy); ``base`` what both engines share (the index directory and its atomic swap, freshness across
processes, the search flow); ``facets`` the in-memory bitset table that answers filters and facet counts;
``text`` the safe reduction of user input to words; ``locks`` the one-writer-per-host lock on the index folder.
Nothing here reads the database: the engines index whatever documents they are given (see
:mod:`marketplace.search.index`), which is why the index imports the engines and never the other way round.
"""
