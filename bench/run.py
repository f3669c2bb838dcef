"""`make bench`: load the benchmark database, measure every DESIGN.md target, print a Markdown table.

    python -m bench.run                        # everything
    python -m bench.run --only dashboard,alerts
    python -m bench.run --skip-load --only list,poll

Measurements: list (API list page vs bare SQL, queries per request), poll (304 vs full page),
search (`q=`), matching (a 1,000-row list against the registry: time and accuracy), feed (change-feed
catch-up), dashboard (aggregates), alerts (commit → webhook).
API requests are made in-process with django.test.Client as a logged-in analyst; each measurement
reports what went wrong (an HTTP status and the start of the body) and the run goes on.
"""

import argparse
import json
import os
import sys
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bench.common import NotMeasured, median, percentile, setup_django

MEASUREMENTS = ("list", "poll", "partner", "load", "search", "matching", "feed", "dashboard", "alerts")
REPEATS = 30
DASHBOARD_REPEATS = 10
LIST_PATH = "/api/v1/detainees/?citizenship={country}&page_size={size}"
LIST_COUNTRY = "RU"
FEED_LIMIT = 1000


@dataclass
class Row:
    what: str
    measured: str
    target: str
    met: bool | None = None


def _say(message: str = "") -> None:
    print(message, flush=True)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


# --- The API client -------------------------------------------------------------------------------


class Api:
    """An in-process client logged in as an analyst."""

    def __init__(self) -> None:
        from django.test import Client

        from core.choices import Role
        from core.services import user_provision

        self.user, _ = user_provision(username="bench-analyst", role=Role.ANALYST, password=None)
        self.client = Client(raise_request_exception=False)
        self.client.force_login(self.user)

    def get(self, path: str, **headers):
        """(response, seconds)."""
        started = time.perf_counter()
        response = self.client.get(path, **headers)
        return response, time.perf_counter() - started

    def get_ok(self, path: str, expect: int = 200, **headers):
        response, seconds = self.get(path, **headers)
        if response.status_code != expect:
            body = response.content[:300].decode("utf-8", "replace")
            _say(f"  GET {path} → HTTP {response.status_code} (expected {expect}): {body}")
            raise NotMeasured(f"HTTP {response.status_code} from {path.split('?')[0]}")
        return response, seconds


def _json(response) -> dict:
    return json.loads(response.content)


def _sql_times(sql: str, params: list, repeats: int = REPEATS) -> tuple[list[float], list]:
    from django.db import connection

    times = []
    rows = []
    with connection.cursor() as cursor:
        for _ in range(repeats + 1):  # the first run warms the cache and is not counted
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            times.append(time.perf_counter() - started)
    return times[1:], rows


# --- list -----------------------------------------------------------------------------------------

# The same page as the API's, straight from the table: the detainee columns the API returns (an
# analyst does not see notes), the citizenship filter, the default ordering, LIMIT 100.
BARE_LIST_SQL = """
SELECT d.id, d.case_ref, d.full_name, d.sex, d.date_of_birth, d.status, d.status_since, d.abducted_at,
       d.abduction_place, d.version, d.updated_at
FROM cases_detainee d
WHERE EXISTS (SELECT 1 FROM cases_citizenship c WHERE c.detainee_id = d.id AND c.country = %s)
ORDER BY d.case_ref
LIMIT %s
"""

# For information: the same page with the related rows the API also shows, aggregated in SQL.
BARE_LIST_WITH_RELATED_SQL = f"""
WITH page AS ({BARE_LIST_SQL})
SELECT page.*,
    (SELECT coalesce(array_agg(c.country ORDER BY c.country), '{{}}')
     FROM cases_citizenship c WHERE c.detainee_id = page.id),
    (SELECT coalesce(jsonb_agg(jsonb_build_object('name', v.name, 'script', v.script) ORDER BY v.script, v.name),
                     '[]')
     FROM cases_namevariant v WHERE v.detainee_id = page.id),
    (SELECT coalesce(jsonb_agg(jsonb_build_object('id', ch.id, 'name', ch.name, 'role', m.role)), '[]')
     FROM cases_channelmembership m JOIN cases_negotiationchannel ch ON ch.id = m.channel_id
     WHERE m.detainee_id = page.id)
FROM page ORDER BY page.case_ref
"""


def measure_list(api: Api, state: dict) -> list[Row]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = LIST_PATH.format(country=LIST_COUNTRY, size=100)
    response, _ = api.get_ok(path)  # warm-up
    results = _json(response)["results"]
    api_ids = [item["id"] for item in results]
    times = [api.get_ok(path)[1] for _ in range(REPEATS)]
    api_median = median(times)
    state["list_median"] = api_median

    sql_times, rows = _sql_times(BARE_LIST_SQL, [LIST_COUNTRY, 100])
    sql_median = median(sql_times)
    sql_ids = [str(row[0]) for row in rows]
    if sql_ids != api_ids:
        _say(f"  warning: the bare SQL page differs from the API's ({len(api_ids)} API rows, {len(sql_ids)} SQL rows)")
    related_median = median(_sql_times(BARE_LIST_WITH_RELATED_SQL, [LIST_COUNTRY, 100])[0])
    ratio = api_median / sql_median
    _say(
        f"  list: API median {_ms(api_median)} over {REPEATS}, bare SQL {_ms(sql_median)} ({ratio:.1f}×); "
        f"SQL with related rows {_ms(related_median)} ({api_median / related_median:.1f}×)"
    )

    counts = {}
    for size in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            api.get_ok(LIST_PATH.format(country=LIST_COUNTRY, size=size))
        counts[size] = len(queries)
    _say(f"  list: SQL queries per request: page_size 10 → {counts[10]}, page_size 100 → {counts[100]}")
    return [
        Row(
            f"API list page of 100, `citizenship={LIST_COUNTRY}`: median vs bare SQL",
            f"{_ms(api_median)} vs {_ms(sql_median)}: {ratio:.1f}× "
            f"(vs SQL incl. related rows {_ms(related_median)}: {api_median / related_median:.1f}×)",
            "≤ 3×",
            ratio <= 3,
        ),
        Row(
            "SQL queries per list request, page_size 10 / 100",
            f"{counts[10]} / {counts[100]}",
            "equal",
            counts[10] == counts[100],
        ),
    ]


# --- poll -----------------------------------------------------------------------------------------


def measure_poll(api: Api, state: dict) -> list[Row]:
    path = LIST_PATH.format(country=LIST_COUNTRY, size=100)
    if "list_median" not in state:
        api.get_ok(path)
        state["list_median"] = median([api.get_ok(path)[1] for _ in range(REPEATS)])
    response, _ = api.get_ok(path)
    etag = response.get("ETag")
    if not etag:
        _say("  poll: the list answered without an ETag")
        raise NotMeasured("no ETag on the list")
    # A 200 instead of a 304 means the ETag moved although nothing was written through the API: count
    # those (polls that cost a full page), take the new ETag and go on.
    times = []
    moved = 0
    warmed = False
    for _ in range(REPEATS * 2 + 1):
        response, seconds = api.get(path, HTTP_IF_NONE_MATCH=etag)
        if response.status_code == 200:
            moved += 1
            etag = response.get("ETag") or etag
        elif response.status_code != 304:
            _say(f"  poll: HTTP {response.status_code}: {response.content[:300].decode('utf-8', 'replace')}")
            raise NotMeasured(f"HTTP {response.status_code} to a conditional GET")
        elif not warmed:  # the first 304 is a warm-up
            warmed = True
        else:
            times.append(seconds)
        if len(times) == REPEATS:
            break
    if not times:
        raise NotMeasured(f"no 304 in {moved} conditional requests: the ETag changes on every request")
    poll_median = median(times)
    ratio = poll_median / state["list_median"]
    moved_note = f"; the ETag moved {moved}× with no write through the API" if moved else ""
    _say(
        f"  poll: 304 median {_ms(poll_median)} over {len(times)} vs full page {_ms(state['list_median'])}: "
        f"{ratio:.3f}{moved_note}"
    )
    return [
        Row(
            "304 poll (`If-None-Match`) vs the full page of 100",
            f"{_ms(poll_median)} vs {_ms(state['list_median'])}: {ratio:.3f}{moved_note}",
            "< 0.1",
            ratio < 0.1,
        )
    ]


# --- partner: over HTTP, through gunicorn, with a scoped partner token --------------------------------


def measure_partner(api: Api | None, state: dict) -> list[Row]:
    from bench import partner
    from bench.serve import gunicorn, partner_token

    token = partner_token()
    with gunicorn() as base:
        result = partner.measure(partner.Client(base, token))
    m = result["medians"]
    sql_ids = [str(row[0]) for row in _sql_times(BARE_LIST_SQL, [LIST_COUNTRY, 100], repeats=1)[1]]
    for name in ("ours_ids", "plain_ids"):
        if result[name] != sql_ids:
            _say(f"  warning: {name} differ from the bare SQL's page")
    related = median(_sql_times(BARE_LIST_WITH_RELATED_SQL, [LIST_COUNTRY, 100], repeats=partner.REPEATS)[0])
    state["partner"] = {k: round(v * 1000, 2) for k, v in m.items()} | {"sql_related": round(related * 1000, 2)}
    _say(
        f"  partner over HTTP (median of {partner.REPEATS}): our page {_ms(m['ours'])}, plain DRF {_ms(m['plain'])}, "
        f"304 {_ms(m['poll'])}, token ping 204 {_ms(m['ping'])}; bare SQL with related rows {_ms(related)}"
    )
    return [
        Row(
            "partner list page of 100 over HTTP (gunicorn, token scoped to RU, `citizenship=RU`) vs the bare SQL "
            "with citizenships, names and channels",
            f"{_ms(m['ours'])} vs {_ms(related)}: {m['ours'] / related:.1f}×",
            "≤ 3×",
            m["ours"] / related <= 3,
        ),
        Row(
            "the same page from a plain DRF ListAPIView (ModelSerializer, django-filter, CursorPagination) vs ours",
            f"{_ms(m['plain'])} vs {_ms(m['ours'])}: ours {m['plain'] / m['ours']:.1f}× faster",
            "ours ≥ 3× faster",
            m["plain"] / m["ours"] >= 3,
        ),
        Row(
            "partner 304 poll over HTTP vs the full page",
            f"{_ms(m['poll'])} vs {_ms(m['ours'])}: {m['poll'] / m['ours']:.2f}",
            "≤ 0.25",
            m["poll"] / m["ours"] <= 0.25,
        ),
        Row(
            "partner 304 poll vs a minimal view that authenticates the same token and answers 204",
            f"{_ms(m['poll'])} vs {_ms(m['ping'])}: {m['poll'] / m['ping']:.2f}×",
            "≤ 2×",
            m["poll"] / m["ping"] <= 2,
        ),
        Row(
            "partner list page of 100 with the disclosure log on vs off (one insert per answer)",
            f"{_ms(m['ours'])} vs {_ms(m['unlogged'])}: {(m['ours'] / m['unlogged'] - 1):+.1%}",
            "≤ +10 %",
            m["ours"] <= m["unlogged"] * 1.10,
        ),
    ]


def measure_load(api: Api | None, state: dict) -> list[Row]:
    from bench import loadtest

    result = loadtest.run()
    rate = result["requests"] / result["seconds"]
    p95 = result["p95_ms"]
    _say(
        f"  load: {result['requests']:,} requests in {result['seconds']:.0f} s ({rate:.0f}/s), "
        f"{result['errors']} errors"
    )
    for kind in sorted(result["counts"]):
        _say(f"    {kind}: {result['counts'][kind]:,}, p50 {result['p50_ms'][kind]:.0f} ms, p95 {p95[kind]:.0f} ms")
    if result["error_kinds"]:
        _say(f"    errors: {result['error_kinds']}")
    poll_p95 = p95.get("304", float("inf"))
    write_p95 = p95.get("write", float("inf"))
    return [
        Row(
            f"load: {loadtest.PARTNERS} partners polling list, detail and feed with ETags + {loadtest.OFFICERS} "
            f"officers writing, {loadtest.SECONDS} s, gunicorn ({serve_workers()} workers) and a Celery worker",
            f"{rate:.0f} req/s, {result['errors']} errors; p95 of a 304 {poll_p95:.0f} ms "
            f"({result['counts'].get('304', 0):,}), of a write {write_p95:.0f} ms "
            f"({result['counts'].get('write', 0):,})",
            "0 errors; p95 304 < 50 ms; p95 write < 300 ms",
            result["errors"] == 0 and poll_p95 < 50 and write_p95 < 300,
        )
    ]


def serve_workers() -> int:
    from bench.serve import GUNICORN_WORKERS

    return GUNICORN_WORKERS


# --- search ---------------------------------------------------------------------------------------

# Spelling variants the search must tolerate: one name from the data misspelt by each rule.
_MISSPELLINGS = (
    ("ks", "x"),
    ("x", "ks"),
    ("skiy", "sky"),
    ("ch", "kh"),
    ("off", "ov"),
    ("yo", "e"),
    ("iy", "ii"),
    ("v", "w"),
)


def search_terms() -> list[str]:
    """About 30 names from the data: Latin and Cyrillic variants, surnames alone, and misspellings."""
    from django.db import connection

    def names(where: str, limit: int, params: tuple = ()) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT name, md5(name) FROM cases_namevariant WHERE {where} ORDER BY md5(name) LIMIT %s",
                [*params, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    latin = names("script = 'Latn'", 10)
    cyrillic = names("script = 'Cyrl'", 8)
    surnames = list(dict.fromkeys(name.split()[-1] for name in names("script = 'Latn' AND name LIKE '%% %%'", 60)[10:]))
    misspelt = []
    for old, new in _MISSPELLINGS:
        misspelt += [name.replace(old, new, 1) for name in names("script = 'Latn' AND name LIKE %s", 1, (f"%{old}%",))]
    terms = list(dict.fromkeys(latin + cyrillic + [s for s in surnames if s not in " ".join(latin)][:6] + misspelt))
    return terms


def measure_search(api: Api, state: dict) -> list[Row]:
    terms = search_terms()
    api.get_ok(f"/api/v1/detainees/?q={quote(terms[0])}")  # warm-up
    times = []
    found = 0
    for term in terms:
        response, seconds = api.get_ok(f"/api/v1/detainees/?q={quote(term)}")
        times.append(seconds)
        found += bool(_json(response)["results"])
    search_median = median(times)
    _say(
        f"  search: {len(terms)} names, median {_ms(search_median)}, p95 {_ms(percentile(times, 95))}, "
        f"max {_ms(max(times))}; {found} of {len(terms)} found someone"
    )
    _say(f"  search terms: {', '.join(terms)}")
    return [
        Row(
            f"name search `q=` ({len(terms)} names: Latin, Cyrillic, surnames, misspellings): median",
            f"{_ms(search_median)} (p95 {_ms(percentile(times, 95))}; {found}/{len(terms)} found someone)",
            "< 50 ms",
            search_median < 0.05,
        )
    ]


# --- matching -------------------------------------------------------------------------------------


def measure_matching(api: Api | None, state: dict) -> list[Row]:
    from bench import matching

    r = matching.measure()
    best = r["best_right"] / r["told_apart"] if r["told_apart"] else 0.0
    likely = r["likely_right"] / r["likely"] if r["likely"] else 0.0
    namesake = r["best_namesake"] / r["alike"] if r["alike"] else 0.0
    _say(f"  matching: {r}")
    return [
        Row(
            f"matching a {r['rows']:,}-row list (Cyrillic, Hebrew, surname first, misspelt; 10 % strangers) against "
            "the registry: upload and match, wall time",
            f"{r['seconds']:.1f} s (upload {r['upload_seconds']:.1f} s)",
            "< 60 s",
            r["seconds"] < 60,
        ),
        Row(
            "… the true detainee is the best candidate (rows the registry can tell apart from namesakes)",
            f"{best:.1%} ({r['best_right']}/{r['told_apart']}); rows it cannot ({r['alike']}): a namesake first "
            f"in {namesake:.1%}",
            "≥ 95 %",
            best >= 0.95,
        ),
        Row(
            "… `likely` is right (the same rows, and strangers)",
            f"{likely:.1%} ({r['likely_right']}/{r['likely']}); strangers labelled likely: {r['stranger_likely']}",
            "≥ 98 %",
            likely >= 0.98,
        ),
    ]


# --- feed -----------------------------------------------------------------------------------------


def measure_feed(api: Api, state: dict) -> list[Row]:
    from alerts.choices import EventType
    from alerts.models import Event

    # An edit of the internal notes alone tells the analyst nothing: such events are not in its feed.
    notes_only = Event.objects.filter(type=EventType.DETAINEE_UPDATED, data__changed=["notes"]).count()
    expected = Event.objects.count() - notes_only
    max_requests = expected // FEED_LIMIT + 100
    seen: set[str] = set()
    read = 0
    requests = 0
    path = f"/api/v1/changes/?limit={FEED_LIMIT}"
    started = time.perf_counter()
    while True:
        response, _ = api.get_ok(path)
        body = _json(response)
        requests += 1
        results = body["results"]
        read += len(results)
        seen.update(event["id"] for event in results)
        if not body.get("has_more"):
            break
        if requests >= max_requests or (not results and not body.get("next_cursor")):
            _say(f"  feed: stopped after {requests} requests (has_more still true)")
            break
        path = f"/api/v1/changes/?limit={FEED_LIMIT}&after={quote(str(body['next_cursor']))}"
        if requests % 100 == 0:
            _say(f"  feed: {read:,} events, {time.perf_counter() - started:.1f} s")
    seconds = time.perf_counter() - started
    per_million = seconds * 1_000_000 / read if read else float("inf")
    duplicates = read - len(seen)
    _say(
        f"  feed: {read:,} events ({len(seen):,} distinct, {expected:,} in the table) in {requests:,} requests, "
        f"{seconds:.1f} s ({read / seconds:,.0f} events/s; {per_million:.1f} s per million)"
    )
    return [
        Row(
            f"change feed catch-up, `limit={FEED_LIMIT}` following `next_cursor`",
            f"{read:,} events in {seconds:.1f} s ({per_million:.1f} s per million"
            + (f"; {duplicates:,} duplicates" if duplicates else "")
            + (f"; {expected - len(seen):,} not seen" if len(seen) < expected else "")
            + ")",
            "1,000,000 in < 60 s",
            per_million < 60 and not duplicates and len(seen) >= expected,
        )
    ]


# --- dashboard ------------------------------------------------------------------------------------


def _app_dashboard():
    """The dashboard's own figures (cases.dashboard.dashboard_figures) as the bench analyst reads them."""
    from cases.dashboard import dashboard_figures
    from core.access import Viewer
    from core.models import User

    viewer = Viewer(user=User.objects.get(username="bench-analyst"))
    return lambda: dashboard_figures(viewer)


def _median_time(function, repeats: int = DASHBOARD_REPEATS) -> float:
    function()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return median(times)


def measure_dashboard(api: Api | None, state: dict) -> list[Row]:
    total = _median_time(_app_dashboard())
    _say(f"  dashboard: cases.dashboard.dashboard_figures median {_ms(total)} over {DASHBOARD_REPEATS}")
    detail = "`cases.dashboard.dashboard_figures`"
    return [Row("dashboard aggregates", f"{_ms(total)} ({detail})", "< 200 ms", total < 0.2)]


# --- alerts ---------------------------------------------------------------------------------------


def measure_alerts(api: Api | None, state: dict) -> list[Row]:
    from bench import alert_latency

    result = alert_latency.main()
    _say(
        f"  alerts: {result['changes']} changes, p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
        f"max {result['max_ms']:.0f} ms"
    )
    return [
        Row(
            f"alert latency, commit → webhook received ({result['changes']} changes)",
            f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms",
            "p95 < 1 s",
            result["p95_ms"] < 1000,
        )
    ]


MEASURE = {
    "list": measure_list,
    "poll": measure_poll,
    "partner": measure_partner,
    "load": measure_load,
    "search": measure_search,
    "matching": measure_matching,
    "feed": measure_feed,
    "dashboard": measure_dashboard,
    "alerts": measure_alerts,
}
NEEDS_API = {"list", "poll", "search", "feed"}
TITLES = {
    "list": ("API list page of 100 filtered by citizenship, vs bare SQL", "≤ 3×, query count constant"),
    "poll": ("304 poll vs a full page", "< 0.1"),
    "partner": (
        "partner list page, 304 and floors over HTTP, the disclosure log's cost",
        "≤ 3× SQL; ≥ 3× plain DRF; ≤ 0.25; ≤ 2× ping; log ≤ +10 %",
    ),
    "load": ("load: 50 partners and 5 officers, 60 s", "0 errors; p95 304 < 50 ms; p95 write < 300 ms"),
    "search": ("name search `q=`, median", "< 50 ms"),
    "matching": ("matching a 1,000-row list against the registry", "< 60 s; ≥ 95 % best; ≥ 98 % likely right"),
    "feed": ("change feed catch-up", "1,000,000 in < 60 s"),
    "dashboard": ("dashboard aggregates", "< 200 ms"),
    "alerts": ("alert latency, commit → webhook received", "p95 < 1 s"),
}


def markdown_table(rows: list[Row]) -> str:
    lines = ["| target | measured | goal | met |", "|---|---|---|---|"]
    for row in rows:
        met = "—" if row.met is None else ("yes" if row.met else "no")
        lines.append(f"| {row.what} | {row.measured} | {row.target} | {met} |")
    return "\n".join(lines)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(MEASUREMENTS), help=f"comma-separated: {','.join(MEASUREMENTS)}")
    parser.add_argument("--skip-load", action="store_true", help="measure the database as it is")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in args.only if name not in MEASURE]
    if unknown:
        parser.error(f"unknown measurement(s) {', '.join(unknown)}; choose from {', '.join(MEASUREMENTS)}")
    return args


def main(argv: list[str] | None = None) -> list[Row]:
    args = _parse(argv)
    # The feed alone makes about a thousand requests a minute: no rate limit for the benchmark's analyst.
    os.environ.setdefault("API_THROTTLE_RATE", "1000000/min")
    # Whitenoise's complaint that collectstatic has not run: irrelevant to an API benchmark.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    setup_django()
    if args.skip_load:
        from bench.common import ensure_database

        ensure_database()
    else:
        from bench.load import load

        load()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM cases_detainee), (SELECT count(*) FROM cases_statuschange), "
            "(SELECT count(*) FROM alerts_event)"
        )
        detainees, changes, events = cursor.fetchone()
    sizes = f"{detainees:,} detainees, {changes:,} status changes, {events:,} events, {os.cpu_count()} CPUs"
    _say(f"\nMeasuring on {sizes}")

    api = Api() if NEEDS_API & set(args.only) else None
    state: dict = {}
    rows: list[Row] = []
    for name in MEASUREMENTS:  # in this order: alerts flushes the Redis database last
        if name not in args.only:
            continue
        _say(f"\n[{name}]")
        started = time.monotonic()
        try:
            rows += MEASURE[name](api, state)
        except NotMeasured as exc:
            rows.append(Row(TITLES[name][0], f"not measured: {exc}", TITLES[name][1]))
        except Exception as exc:  # noqa: BLE001 - one broken measurement must not hide the others
            traceback.print_exc()
            rows.append(Row(TITLES[name][0], f"not measured: {type(exc).__name__}: {exc}"[:200], TITLES[name][1]))
        _say(f"  ({time.monotonic() - started:.1f} s)")

    _say(f"\n## Benchmark ({sizes})\n")
    _say(markdown_table(rows))
    _write_json(rows, sizes)
    return rows


def _write_json(rows: list[Row], sizes: str) -> None:
    """Every figure with its target and verdict, for tools and for comparing runs."""
    out = Path(__file__).resolve().parent.parent / "var" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    figures = [{"what": r.what, "measured": r.measured, "target": r.target, "met": r.met} for r in rows]
    out.write_text(
        json.dumps(
            {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "data": sizes, "figures": figures},
            indent=2,
            ensure_ascii=False,
        )
    )
    _say(f"\nwritten to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
