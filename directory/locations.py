"""Where hospnet finds its files: the bundled sources (read-only) and the user's data folder.

- Bundled sources (manifest.toml, manuals/, reference/) travel with the package: in a checkout they
  are the repository's `sources/`; in an installed wheel they are the package `hospnet_sources`
  beside `directory`. `$HOSPNET_SOURCES` points at another sources folder instead.
- The data folder holds what a user adds: `imported/` (lists registered by `hospnet import`) and
  `geocode_cache.tsv`. It is `$HOSPNET_HOME` if set; else `$HOSPNET_SOURCES` if set (a sources
  folder of one's own keeps its imports, as before); else `./hospnet-data` in the current folder,
  beside the `registry.db` the commands write there by default. Never inside the installed package.
"""
from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DATA_FOLDER_NAME = "hospnet-data"


class LocationError(ValueError):
    """The bundled sources cannot be found; the message says where hospnet looked."""


def bundled_sources_dir() -> Path:
    """The folder holding manifest.toml and manuals/: $HOSPNET_SOURCES, else the packaged copy."""
    given = os.environ.get("HOSPNET_SOURCES")
    if given:
        return Path(given)
    # Installed wheel: site-packages/hospnet_sources; checkout or editable install: <repo>/sources.
    candidates = (_PACKAGE_ROOT / "hospnet_sources", _PACKAGE_ROOT / "sources")
    for folder in candidates:
        if (folder / "manifest.toml").is_file():
            return folder
    raise LocationError("bundled sources not found (looked for manifest.toml in "
                        + ", ".join(str(c) for c in candidates) + "); reinstall hospnet or set HOSPNET_SOURCES")


def data_home() -> Path:
    """The user's data folder (imports, geocode cache); see the module docstring for the order."""
    for variable in ("HOSPNET_HOME", "HOSPNET_SOURCES"):
        given = os.environ.get(variable)
        if given:
            return Path(given)
    return Path.cwd() / DATA_FOLDER_NAME


def imports_dir() -> Path:
    """Where `hospnet import` stores lists and their records."""
    return data_home() / "imported"
