"""Search: the directory search page over a derived index of published organisations.

Three layers, each importing only the ones below it:

* :mod:`marketplace.search.engines`: the engine interface and its implementations (Whoosh by default, tantivy for
  large directories), with the facet table and text handling they share. No database.
* :mod:`marketplace.search.index`: the documents built from the database, the change feed and its followers that
  keep every host's index in step after each commit, and rebuild and check.
* This package, the page: the search page and saved searches (``views``, ``presenters``, ``saved``, ``models``),
  the commissioners' area overview (``area``, ``area_views``), maps and charts, the blueprints, the cached
  reference data the page reads, and ``cli`` (``flask search …``).

The database is the source of truth; the index can always be rebuilt from it.
"""
