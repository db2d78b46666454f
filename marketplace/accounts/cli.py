"""``flask accounts create-admin``: the first administrator of a new installation."""

import click

from marketplace.accounts import bp
from marketplace.accounts.passwords import password_problem
from marketplace.accounts.services import AccountError, create_staff_account
from marketplace.core.roles import Role

bp.cli.short_help = "Account commands."


@bp.cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([Role.ADMIN.value, Role.ASSESSOR.value]), default=Role.ADMIN.value)
@click.password_option()
def create_admin_command(email: str, name: str, role: str, password: str) -> None:
    """Create an admin (or assessor) account."""
    problem = password_problem(password, min_length=10, user_inputs=[email, name])
    if problem:
        raise click.ClickException(problem)
    try:
        user = create_staff_account(email=email, name=name, password=password, role=Role(role))
    except AccountError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.role} {user.email}")
