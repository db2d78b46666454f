"""Work every test's app would otherwise redo, done once per test process: compiled templates and URL builders.

Each test gets a fresh app (``tests/conftest.py``), so each would compile every Jinja template it renders and every
route's URL builder again: together about two thirds of a typical test's time. Both are pure functions of their
source, so the results are kept for the whole run:

- templates through Jinja's own bytecode cache (``jinja2.BytecodeCache``), which checks each template's source
  checksum, so an edited template is compiled again; the cache is kept apart per environment configuration;
- URL builders (``werkzeug.routing.Rule``) by the rule's parsed parts: the generated function reads converters and
  the query encoder from the rule it is bound to when called, so sharing it between equal rules changes nothing.

Nothing here changes what a test checks: the app, its routes and its templates behave exactly as without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from werkzeug.routing import Rule


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates in memory, for every app of the test process (Jinja's documented extension point)."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_template_caches: dict[tuple, MemoryBytecodeCache] = {}


def _compile_settings(env: Environment) -> tuple:
    """What besides a template's source shapes its compiled code: templates compiled differently are kept apart."""
    return (
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.is_async,
        getattr(env.autoescape, "__func__", env.autoescape),  # the same method of each app's own Flask
        tuple(sorted(env.extensions)),
    )


def share_compiled_templates(app: Flask) -> None:
    """Give ``app`` the test process's compiled templates (before it renders anything)."""
    env = app.jinja_env
    env.bytecode_cache = _template_caches.setdefault(_compile_settings(env), MemoryBytecodeCache())


_builders: dict[tuple, Callable[..., Any]] = {}
_compile_builder = Rule._compile_builder


def _shared_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
    defaults = self.defaults or {}
    if any(is_dynamic and part in defaults for is_dynamic, part in self._trace):
        return _compile_builder(self, append_unknown)  # a default folded into the code: rare, not shared
    key = (tuple(self._trace), tuple(map(str, defaults)), append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


def share_url_builders() -> None:
    """Make equal routes of every app in this process share one compiled URL builder."""
    Rule._compile_builder = _shared_builder  # type: ignore[method-assign]


def stop_sharing_url_builders() -> None:
    Rule._compile_builder = _compile_builder  # type: ignore[method-assign]
