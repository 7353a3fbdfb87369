"""Every CLI command has --help and is documented in the README."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from directory.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_has_help(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output) > 100


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_is_documented_in_readme(name):
    assert f"`hospnet {name}" in README
