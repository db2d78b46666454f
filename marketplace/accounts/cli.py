"""``flask accounts create-admin``: the first administrator of a new installation; ``reset-two-factor``: for someone
who has lost both their authenticator app and their recovery codes (they set it up again at their next sign-in)."""

import click

from marketplace.accounts import bp, two_factor
from marketplace.accounts.passwords import password_problem
from marketplace.accounts.services import AccountError, create_staff_account, find_user_by_email
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


@bp.cli.command("reset-two-factor")
@click.option("--email", required=True)
def reset_two_factor_command(email: str) -> None:
    """Turn off two-factor for an account whose owner lost their app and recovery codes (audited). Check who
    is asking first: this removes the second factor."""
    user = find_user_by_email(email)
    if user is None or not user.has_two_factor:
        raise click.ClickException(f"{email} has no account with two-factor sign-in")
    two_factor.disable(user, by_owner=False)
    click.echo(f"Two-factor sign-in turned off for {user.email}; they set it up again when they next sign in")
