"""Figure 5: the printable directory, the full CSV and Excel exports, and /my/purchases/ of the largest anchor firm.

Each asked of the HTTP server by one client: time to the first byte of the body and to the last. The peer of
/my/purchases/ is the same page of an anchor firm with few purchases (the issue: the largest buyer's page should be
as fast as a small one's); its deepest page is measured beside it.
"""

from . import measure


def run(site, cookies: dict, *, repeats: int, log=print) -> list[dict]:
    pages = [
        ("printable directory", "/directory/print/", "anonymous"),
        ("CSV export, whole directory", "/directory/export.csv", "anonymous"),
        ("Excel export, whole directory", "/directory/export.xlsx", "anonymous"),
        ("/my/purchases/, largest anchor", "/my/purchases/", "anchor"),
        ("/my/purchases/, small anchor", "/my/purchases/", "small_anchor"),
        # The deepest page offered (page 200, 5,000 purchases skipped): its cost must not grow with the offset.
        ("/my/purchases/ page 200, largest anchor", "/my/purchases/?page=200", "anchor"),
    ]
    rows = []
    for label, path, who in pages:
        fetched = []

        def fetch(path=path, who=who, fetched=fetched):
            fetched.append(site.fetch(path, cookie=cookies[who]))

        measured = measure.repeat(fetch, repeats)
        fetched = fetched[-len(measured):]  # without the warm-up, unless it was slow enough to count
        row = {
            "label": label, "path": path, "who": who,
            "statuses": sorted({f.status for f in fetched}),
            "megabytes": round(fetched[-1].size / 1e6, 2),
            "ttfb": measure.summary([f.ttfb_ms for f in fetched]),
            "total": measure.summary([f.total_ms for f in fetched]),
        }
        log(f"  {label:34} first byte {row['ttfb']['median_ms']:9.1f} ms   total {row['total']['median_ms']:9.1f} ms"
            f"   {row['megabytes']} MB   {row['statuses']}")
        rows.append(row)
    return rows
