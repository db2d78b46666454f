"""The search index: what goes into the engines, and how it keeps up with the database.

``documents`` (with ``document_rows`` for batches) flattens organisations and consortia into engine-neutral
documents; ``sync`` records each commit's changed documents in the change feed (``outbox``, tables in ``models``)
and applies them; ``position`` is how far a host's index has followed the feed and ``follower`` the background
thread that follows it; ``maintenance`` rebuilds and checks the index. The ``flask search`` commands that drive
these are in :mod:`marketplace.search.cli`.
"""
