"""The `faqbot` command. Heavy imports happen inside each command so `--help` stays instant."""

from __future__ import annotations

from typing import Any

import click

from bot.errors import BotError


class _Group(click.Group):
    """Turns BotError into a one-line message and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BotError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group)
@click.version_option(package_name="faqbot")
def cli() -> None:
    """faqbot: answers questions from the JECC Water Standard Platform vendor FAQ."""


def _register() -> None:
    # Every bot/cli/*_cmds.py module contributes its COMMANDS list.
    import importlib
    import pkgutil

    import bot.cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.endswith("_cmds"):
            module = importlib.import_module(f"bot.cli.{info.name}")
            for command in module.COMMANDS:
                cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="faqbot")
