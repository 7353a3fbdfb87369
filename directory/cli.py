"""hospnet command line."""
import click


@click.group()
def cli() -> None:
    """hospnet: hospital-network directory for Chinese health insurers."""
