"""``flask search match``: the matching room's command, kept in the ``search`` group where people know it."""

from __future__ import annotations

import json

import click

from marketplace.matching import ranking
from marketplace.search.cli import search_cli


@search_cli.command("match")
@click.argument("need_ref")
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 200), help="How many matches to show.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {id, name, score, reasons, missing}.")
def match_command(need_ref: str, top: int, as_json: bool) -> None:
    """Rank the providers and consortia that fit the need NEED_REF."""
    need = ranking.find_need(need_ref)
    if need is None:
        click.echo(f"There is no need with the ref {need_ref!r}", err=True)
        raise SystemExit(1)
    results = ranking.match_need(need, top=top)
    if as_json:
        click.echo(json.dumps([result.as_dict() for result in results], indent=2, ensure_ascii=False))
        return
    click.echo(f"{len(results)} matches for {need.title} ({need_ref})")
    for position, result in enumerate(results, start=1):
        click.echo(f"{position:>3}. {result.label:<7} {result.score:6.2f}  {result.name} [{result.id}]")
        for reason in result.reasons:
            click.echo(f"       + {reason}")
        for item in result.missing:
            click.echo(f"       - {item}")
