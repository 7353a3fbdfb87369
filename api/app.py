"""The hospnet JSON API (Flask), versioned under /api/v1; run it under waitress (api/serve.py).

The registry is opened read-only (sqlite URI mode=ro), one connection per request; every SQL
statement uses bound parameters; every error is JSON:
    {"error": {"code": ..., "message": ..., "candidates": [...]}}
"""
from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, g, jsonify
from werkzeug.exceptions import HTTPException

from api import params
from api.catalog import Catalog, parse_min_grade
from api.errors import ApiError, bad_request, not_found
from api.openapi import spec as openapi_spec
from api.rules import (
    HOSPITAL_COLUMNS,
    candidates,
    city_coverage,
    evidence_for,
    hospital_brief,
    nearest,
    verdict,
)

log = logging.getLogger("hospnet.api")
API = "/api/v1"
_ADCODE = re.compile(r"^\d{6}$")


def _name_resolver(conn: sqlite3.Connection, cat: Catalog):
    """resolve(conn, name, city_adcode=None, limit=5) → {"query", "best", "candidates"}, over an index
    of every alias built once, at start-up (directory.lookup)."""
    from directory import lookup

    index = lookup.build_index(conn)

    def resolve(_conn: sqlite3.Connection, name: str, city_adcode: str | None = None, limit: int = 5):
        return lookup.resolve_name(index, name, city_adcode=city_adcode, city_name=cat.name_of(city_adcode),
                                   limit=limit)

    return resolve, "directory.lookup"


class LiveRegistry:
    """The catalog and name index of whatever registry file is at `path` now.

    A rebuild renames a new file into place; the next request notices (inode, mtime, size changed)
    and one thread loads the new file while the others keep answering from the old catalog. A file
    that cannot be loaded is logged and the old catalog stays in service.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._state = self._load()

    def _signature(self) -> tuple[int, int, int]:
        st = os.stat(self.path)
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _load(self) -> tuple[tuple[int, int, int], Catalog, Any]:
        started = time.perf_counter()
        signature = self._signature()
        with connect_ro(self.path) as conn:
            cat = Catalog(conn)
            resolver, _ = _name_resolver(conn, cat)
        conn.close()
        self.load_seconds = round(time.perf_counter() - started, 3)
        self.loaded_at = time.strftime("%Y-%m-%dT%H:%M:%S")
        return signature, cat, resolver

    def refresh(self) -> None:
        try:
            changed = self._signature() != self._state[0]
        except OSError:
            return  # mid-swap or removed: keep serving what we have
        if changed and self._lock.acquire(blocking=False):
            try:
                if self._signature() != self._state[0]:
                    self._state = self._load()
                    log.info("registry reloaded from %s", self.path)
            except Exception:  # noqa: BLE001 - a bad new file must not take the service down
                log.exception("could not load the new registry; still serving the previous one")
            finally:
                self._lock.release()

    @property
    def catalog(self) -> Catalog:
        return self._state[1]

    @property
    def resolver(self) -> Any:
        return self._state[2]

    def catalog_proxy(self) -> Any:
        live = self

        class _CatalogProxy:
            def __getattr__(self, name: str) -> Any:
                return getattr(live.catalog, name)

        return _CatalogProxy()


def connect_ro(db_path: str | Path) -> sqlite3.Connection:
    uri = Path(db_path).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def create_app(db_path: str) -> Flask:
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"registry not found: {path}")
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.config["DB_PATH"] = str(path.resolve())
    live = LiveRegistry(app.config["DB_PATH"])
    cat = live.catalog_proxy()

    def resolve_name(conn: sqlite3.Connection, name: str, city_adcode: str | None = None, limit: int = 5):
        return live.resolver(conn, name, city_adcode=city_adcode, limit=limit)

    @app.before_request
    def _follow_rebuilds() -> None:
        live.refresh()

    def db() -> sqlite3.Connection:
        if "conn" not in g:
            g.conn = connect_ro(app.config["DB_PATH"])
        return g.conn

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        conn = g.pop("conn", None)
        if conn is not None:
            conn.close()

    # ---- errors ------------------------------------------------------------------------------
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return jsonify(exc.body()), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.code or 500, (exc.name or "error").lower()
                                                                   .replace(" ", "_"))
        message = exc.description or exc.name
        if exc.code == 404:
            message = "no such endpoint; see /api/v1/openapi.json"
        body = {"error": {"code": code, "message": message, "candidates": []}}
        resp = jsonify(body)
        resp.status_code = exc.code or 500
        if exc.code == 405:
            allow = exc.get_headers() and dict(exc.get_headers()).get("Allow")
            if allow:
                resp.headers["Allow"] = allow
        return resp

    @app.errorhandler(Exception)
    def _server_error(exc: Exception):
        log.exception("unhandled error")
        return jsonify({"error": {"code": "internal_error", "message": "internal server error",
                                  "candidates": []}}), 500

    # ---- helpers -----------------------------------------------------------------------------
    def resolve_service() -> Any:
        return cat.resolve_service(params.text("service", required=True), params.text("insurer"))

    def min_grade() -> tuple[int, int, str] | None:
        text = params.text("min_grade", max_len=20)
        return parse_min_grade(text) if text else None

    def get_hospital(hid: str) -> dict[str, Any] | None:
        r = db().execute(f"select {HOSPITAL_COLUMNS}, overseas_city, place_source, geo_source "
                         "from hospitals where id = ?", (hid,)).fetchone()
        return dict(r) if r else None

    def find_hospital(text: str, city_adcode: str | None = None) -> tuple[dict[str, Any], dict[str, Any] | None]:
        h = get_hospital(text)
        if h:
            return h, None
        res = resolve_name(db(), text, city_adcode=city_adcode, limit=5)
        if res.get("status") == "ambiguous":
            raise bad_request("ambiguous_hospital", res["message"],
                              [_cand(c) for c in res["candidates"][: res["ambiguous_count"]]])
        best = res.get("best")
        if not best:
            raise bad_request("unknown_hospital", res.get("message") or f"no hospital id or name matches {text!r}",
                              [_cand(c) for c in res.get("candidates", [])])
        h = get_hospital(best["id"])
        if h is None:
            raise not_found("unknown_hospital", f"hospital {best['id']} not found")
        return h, {"query": text, "score": best.get("score"), "method": best.get("method"),
                   "reasons": best.get("reasons")}

    def _cand(c: dict[str, Any]) -> dict[str, Any]:
        return {k: c.get(k) for k in ("id", "name", "province", "city", "score") if k in c}

    # ---- endpoints ---------------------------------------------------------------------------
    @app.get("/")
    def index():
        return jsonify({"name": "hospnet", "api": API, "openapi": f"{API}/openapi.json", "health": "/healthz",
                        "endpoints": sorted(p for p in openapi_spec()["paths"])})

    @app.get("/healthz")
    def healthz():
        conn = db()
        counts = {t: conn.execute(f"select count(*) from [{t}]").fetchone()[0]  # table names are constants
                  for t in ("hospitals", "listings", "services", "eligibility", "coverage", "regions")}
        timing = {r["item"]: r["value"] for r in conn.execute(
            "select item, value from build_report where section = 'timing'")}
        built = datetime.fromtimestamp(os.path.getmtime(app.config["DB_PATH"]), UTC)
        return jsonify({"status": "ok", "db": os.path.basename(app.config["DB_PATH"]),
                        "built_at": built.isoformat(timespec="seconds"),
                        "build_seconds": float(timing["total"]) if "total" in timing else None,
                        "counts": counts, "catalog_load_seconds": live.load_seconds,
                        "registry_loaded": live.loaded_at, "name_resolver": "directory.lookup"})

    @app.get(f"{API}/openapi.json")
    def openapi():
        return jsonify(openapi_spec())

    @app.get(f"{API}/services")
    def services():
        conn = db()
        listed = dict(conn.execute("select service_id, count(*) from eligibility group by service_id").fetchall())
        out = []
        for s in cat.services.values():
            item = s.full()
            if s.kind == "city_coverage":
                item["covered_areas"] = len(s.areas)
            else:
                item["listed_hospitals"] = listed.get(s.id, 0)
            out.append(item)
        return jsonify({"count": len(out), "results": out})

    @app.get(f"{API}/cities")
    def cities():
        q = params.text("q", max_len=40)
        limit = params.integer("limit", 50, 1, 500)
        conn = db()
        counts = dict(conn.execute("select city_adcode, count(*) from hospitals where city_adcode is not null "
                                   "group by city_adcode").fetchall())
        all_cities = [r for r in cat.regions.values() if r["level"] == "city"]
        if q:
            hits: list[dict[str, Any]] = []
            try:
                place = cat.resolve_city(q)
                hits.append(cat.regions[place["city_adcode"]])
            except ApiError:
                pass
            hits += [r for r in all_cities if (q in r["name"] or r["adcode"] == q) and r not in hits]
        else:
            hits = sorted(all_cities, key=lambda r: r["adcode"])
        out = [{"adcode": r["adcode"], "name": r["name"], "province": cat.name_of(r["parent_adcode"]),
                "tier": r["tier"], "lat": r["lat"], "lon": r["lon"], "hospitals": counts.get(r["adcode"], 0)}
               for r in hits[:limit]]
        return jsonify({"query": q, "count": len(out), "total": len(hits), "results": out})

    @app.get(f"{API}/nearest")
    def nearest_():
        s = resolve_service()
        city_q = params.text("city", required=True, max_len=40)
        place = cat.resolve_city(city_q)
        limit = params.integer("limit", 10, 1, 100)
        req = min_grade()
        given = params.lat_lon()
        if given:
            origin, source = given, "caller"
        else:
            origin, source = None, None
            for code in (place.get("district_adcode"), place["city_adcode"]):
                r = cat.regions.get(code or "")
                if r and r["lat"] is not None and r["lon"] is not None:
                    origin, source = (r["lat"], r["lon"]), f"centre of {r['name']} ({code})"
                    break
        body = nearest(db(), cat, s, place, origin, source or "none", limit, req)
        head = {"service": s.full(), "city": {**(cat.region_brief(place["city_adcode"]) or {}),
                                              "query": city_q, "how": place["reason"],
                                              "district": cat.region_brief(place.get("district_adcode"))},
                "limit": limit, "min_grade": req[2] if req else None}
        return jsonify({"query": head, **body})

    @app.get(f"{API}/eligibility")
    def eligibility():
        s = resolve_service()
        city_q = params.text("city", max_len=40)
        city_adcode = cat.resolve_city(city_q)["city_adcode"] if city_q else None
        h, matched = find_hospital(params.text("hospital", required=True), city_adcode)
        conn = db()
        listed = conn.execute("select 1 from eligibility where service_id = ? and hospital_id = ?",
                              (s.id, h["id"])).fetchone() is not None
        v = verdict(cat, s, h, listed, min_grade())
        ev = evidence_for(conn, s, [(h, v)])[0] if v.eligible else []
        notes = []
        if not v.eligible and s.kind != "city_coverage":
            related = [r[0] for r in conn.execute(
                "select h.name from eligibility e join hospitals h on h.id = e.hospital_id where e.service_id = ? "
                "and (h.id = ? or h.parent_id = ?)", (s.id, h.get("parent_id") or "", h["id"]))]
            if related:
                notes.append(f"related site(s) listed for this service: {'、'.join(related)}")
        answer = {"listed": True, "covered": True, "unverified": None, "not_eligible": False}[v.status]
        return jsonify({"hospital": hospital_brief(h), "matched": matched, "service": s.full(),
                        "eligible": answer, "eligibility_status": v.status, "reasons": v.reasons,
                        "notes": notes, "evidence": ev})

    @app.get(f"{API}/resolve")
    def resolve():
        name = params.text("name", required=True, max_len=100)
        city_q = params.text("city", max_len=40)
        city_adcode = cat.resolve_city(city_q)["city_adcode"] if city_q else None
        limit = params.integer("limit", 5, 1, 20)
        res = resolve_name(db(), name, city_adcode=city_adcode, limit=limit)
        return jsonify({"query": name, "city_adcode": city_adcode, "status": res["status"], "message": res["message"],
                        "best": res.get("best"), "ambiguous_count": res["ambiguous_count"],
                        "candidates": res.get("candidates", [])})

    @app.get(f"{API}/hospitals")
    def hospitals():
        q = params.text("q", max_len=60)
        page = params.integer("page", 1, 1, 10_000)
        per_page = params.integer("per_page", 20, 1, 100)
        clauses, args = [], []
        province = params.text("province", max_len=40)
        if province:
            code = province if _ADCODE.match(province) else None
            if code is None:
                provs = [r for r in cat.regions.values() if r["level"] == "province" and r["name"].startswith(province)]
                if len(provs) != 1:
                    raise bad_request("unknown_province" if not provs else "ambiguous_province",
                                      f"no single province matches {province!r}",
                                      [cat.region_brief(r["adcode"]) for r in provs] or
                                      [cat.region_brief(a) for a, r in cat.regions.items() if r["level"] == "province"])
                code = provs[0]["adcode"]
            clauses.append("province_adcode = ?")
            args.append(code)
        city_q = params.text("city", max_len=40)
        city_adcode = None
        if city_q:
            city_adcode = cat.resolve_city(city_q)["city_adcode"]
            clauses.append("city_adcode = ?")
            args.append(city_adcode)
        grade = params.text("grade", max_len=20)
        if grade:
            if grade in ("unknown", "未知"):
                clauses.append("(grade is null or grade = '')")
            else:
                level, klass, label = parse_min_grade(grade)
                clauses.append("grade = ?" if klass else "grade like ?")
                args.append(label if klass else label + "%")
        only: set[str] | None = None
        service = params.text("service")
        if service:
            s = cat.resolve_service(service, params.text("insurer"))
            only = {h["id"] for h, listed in candidates(db(), cat, s) if verdict(cat, s, h, listed).eligible}
        where = (" where " + " and ".join(clauses)) if clauses else ""
        rows = [dict(r) for r in db().execute(
            f"select {HOSPITAL_COLUMNS} from hospitals{where} order by province_adcode, city_adcode, name, id",
            args)]
        if only is not None:
            rows = [r for r in rows if r["id"] in only]
        scores: dict[str, int] = {}
        if q:
            scores = cat.search_names(q)
            if not q.isascii():
                # Colloquial names, typos and renames (华西, 浙大二院, 北京协合医院): what /resolve would answer.
                res = resolve_name(db(), q, city_adcode=city_adcode, limit=10)
                hits = res["candidates"][: res["ambiguous_count"]] if res["status"] == "ambiguous" else \
                    [res["best"]] if res["best"] else []
                for c in hits:
                    scores[c["id"]] = max(scores.get(c["id"], 0), 95 if res["status"] == "matched" else 75)
            rows = [r for r in rows if r["id"] in scores]
            rows.sort(key=lambda r: (-scores[r["id"]], -(r["listing_count"] or 0), r["name"]))
        total = len(rows)
        chunk = rows[(page - 1) * per_page: page * per_page]
        results = []
        for r in chunk:
            item = hospital_brief(r)
            item["listing_count"] = r["listing_count"]
            if q:
                item["match_score"] = scores[r["id"]]
            results.append(item)
        return jsonify({"query": {"q": q, "province": province, "city": city_q, "grade": grade, "service": service},
                        "page": page, "per_page": per_page, "total": total,
                        "pages": (total + per_page - 1) // per_page, "results": results})

    @app.get(f"{API}/hospitals/<hid>")
    def hospital(hid: str):
        if len(hid) > 64:
            raise not_found("unknown_hospital", "no such hospital id")
        h = get_hospital(hid)
        if h is None:
            scores = cat.search_names(hid)
            best = sorted(scores, key=lambda i: -scores[i])[:5]
            raise not_found("unknown_hospital", f"no hospital with id {hid!r}",
                            [{"id": i, "name": n["name"]} for i in best
                             if (n := db().execute("select name from hospitals where id = ?", (i,)).fetchone())])
        conn = db()
        aliases: dict[str, list[str]] = {}
        for r in conn.execute("select alias, source from aliases where hospital_id = ? order by alias, source", (hid,)):
            aliases.setdefault(r["alias"], []).append(r["source"])
        campuses = [hospital_brief(dict(r)) for r in conn.execute(
            f"select {HOSPITAL_COLUMNS} from hospitals where parent_id = ? order by name", (hid,))]
        parent = get_hospital(h["parent_id"]) if h.get("parent_id") else None
        listings = [dict(r) for r in conn.execute(
            "select id, source_file, line, table_id, service_id, raw_name, raw_province, raw_city, raw_grade, "
            "match_method, match_score from listings where hospital_id = ? order by source_file, line", (hid,))]
        svc = []
        for (sid,) in conn.execute("select service_id from eligibility where hospital_id = ? order by service_id",
                                   (hid,)):
            s = cat.services.get(sid)
            if s is None:
                continue
            ev = [e for e in listings if e["table_id"] in s.tables]
            svc.append({**s.brief(), "eligibility_status": "listed",
                        "evidence": [{"source_file": e["source_file"], "line": e["line"], "raw_name": e["raw_name"]}
                                     for e in ev]})
        for s in cat.services.values():
            if s.kind != "city_coverage":
                continue
            v = verdict(cat, s, h, False)
            if v.eligible:
                ev = evidence_for(conn, s, [(h, v)])[0]
                svc.append({**s.brief(), "eligibility_status": v.status, "reasons": v.reasons,
                            "evidence": [{"source_file": e["source_file"], "line": e["line"],
                                          "raw_city": e["raw_city"]} for e in ev]})
        body = {**hospital_brief(h), "adcode": h.get("adcode"), "city_adcode": h.get("city_adcode"),
                "province_adcode": h.get("province_adcode"), "grade_source": h.get("grade_source"),
                "geo_source": h.get("geo_source"), "place_source": h.get("place_source"),
                "campus": h.get("campus"), "overseas_city": h.get("overseas_city"),
                "listing_count": h.get("listing_count"),
                "aliases": [{"alias": a, "sources": src} for a, src in aliases.items()],
                "parent": hospital_brief(parent) if parent else None, "campuses": campuses,
                "services": svc, "listings": listings}
        return jsonify(body)

    @app.get(f"{API}/coverage")
    def coverage():
        s = resolve_service()
        place = cat.resolve_city(params.text("city", required=True, max_len=40))
        if s.kind != "city_coverage":
            raise bad_request("not_a_coverage_service", f"{s.id} is a {s.kind} service; use /api/v1/nearest",
                              [x.brief() for x in cat.services.values() if x.kind == "city_coverage"])
        return jsonify({"service": s.full(), "city": cat.region_brief(place["city_adcode"]),
                        **city_coverage(db(), cat, s, place)})

    return app
