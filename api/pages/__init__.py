"""The agent pages: Chinese, server-rendered (Jinja templates in api/templates/), thin callers of the
same functions as the JSON routes (api/routes/*), so a page and the API give the same answer.

- ask.py       `/`: ask (service with insurer, city / district / address, optional caller position)
               and the answer: hospitals with verdict, why, distance, grade, evidence, how to use;
- hospital.py  `/hospital/<id>`: names with sources, campuses and parent, services, place facts;
- search.py    `/search?q=`: any name, pinyin or initials;
- docs.py      `/api/v1/docs`: the API's documentation, rendered from the OpenAPI document;
- assets.py    Leaflet served from the installed datasette-leaflet package (no CDN, no copy);
- view.py      the words of an answer (pure functions over the answer dicts).
"""
from __future__ import annotations

from api.pages import ask, assets, docs, hospital, search

PAGE_BLUEPRINTS = (ask.bp, hospital.bp, search.bp, docs.bp, assets.bp)
