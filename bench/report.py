"""Every figure of a run as one flat row (value, what it is measured against, the ratio, the issue's target), the
printed table, and the README's copy of it."""

import re


def _row(section, figure, median, p95, *, unit="ms", against="", against_median=None, against_p95=None,
         ratio=None, ratio_of="", target="", passed=None, check=None, note=""):
    return {
        "section": section, "figure": figure, "unit": unit, "median": median, "p95": p95,
        "against": against, "against_median": against_median, "against_p95": against_p95,
        "ratio": None if ratio is None else round(ratio, 2), "ratio_of": ratio_of,
        "target": target, "pass": passed, "check": check, "note": note,
    }


def _div(a, b):
    return (a / b) if a is not None and b else None


def figures(results: dict) -> list[dict]:
    rows = []
    sections = results["sections"]
    if "directory" in sections:
        d = sections["directory"]
        floor = d["floor"]
        matched = not d["mismatches"]
        for key, label, limit in (("api", "API /api/v1/companies/", 1.5),
                                  ("api_cold", "API /api/v1/companies/ without its cache", 1.5),
                                  ("html", "HTML /directory/", 2.0)):
            if key not in d:
                continue
            load = d[key]
            ratio = _div(load["p95_ms"], floor["p95_ms"])
            ok_status = set(load["statuses"]) == {"200"}
            passed = ratio is not None and ratio <= limit and ok_status
            target = f"p95 ≤ {limit}× floor p95"
            if key == "api":
                passed = passed and load["requests_per_second"] >= 100
                target += ", ≥ 100 req/s"
            rows.append(_row(
                "1 directory", f"{label}, {results['settings']['clients']} clients", load["median_ms"], load["p95_ms"],
                against="one SQL statement, 8 threads", against_median=floor["median_ms"],
                against_p95=floor["p95_ms"], ratio=ratio, ratio_of="p95", target=target, passed=passed,
                check=matched,
                note=f"p99 {load['p99_ms']} ms, {load['requests_per_second']} req/s (floor "
                     f"{floor['requests_per_second']}/s), statuses {load['statuses']}"
                     + ("" if matched else f", {len(d['mismatches'])} ids MISMATCH"),
            ))
    if "lcr" in sections:
        lcr = sections["lcr"]
        matched = not lcr["mismatches"]
        for q in lcr["questions"]:
            app, floor, peer = q["app"], q["floor"], q["peer"]
            rows.append(_row(
                "2 LCR", q["label"], app["median_ms"], app["p95_ms"], against="GROUP BY over purchases",
                against_median=floor["median_ms"], against_p95=floor["p95_ms"],
                ratio=_div(app["median_ms"], floor["median_ms"]), ratio_of="median",
                target=f"p95 ≤ {q['target_ms']} ms", passed=app["p95_ms"] <= q["target_ms"] and q["statuses"] == [200],
                check=matched if q["key"] in ("city_year", "year_category", "year_size", "trend", "by_buyer") else None,
                note=f"pandas from CSV {peer['median_ms']} ms (app/pandas "
                     f"{_div(app['median_ms'], peer['median_ms']) or 0:.2f}), as {q['who']}, statuses {q['statuses']}",
            ))
    if "import" in sections:
        imp = sections["import"]
        app, floor, peer, short = imp["app"], imp["floor"], imp["peer"], imp["short_file"]
        rows.append(_row(
            "3 import", f"import_purchases, {imp['rows']:,} rows", app["rows_per_second"], None, unit="rows/s",
            against=floor["how"] + " into a table of the same shape", against_median=floor["rows_per_second"],
            ratio=_div(app["rows_per_second"], floor["rows_per_second"]), ratio_of="rows/s",
            target="≥ 0.5× floor", passed=(_div(app["rows_per_second"], floor["rows_per_second"]) or 0) >= 0.5,
            note=f"median {app['median_ms'] / 1000:.1f} s per file",
        ))
        rows.append(_row(
            "3 import", "import_purchases vs django-import-export", app["rows_per_second"], None, unit="rows/s",
            against=f"django-import-export ({peer['rows']:,} rows)", against_median=peer["rows_per_second"],
            ratio=_div(app["rows_per_second"], peer["rows_per_second"]), ratio_of="rows/s", target="≥ 50× peer",
            passed=(_div(app["rows_per_second"], peer["rows_per_second"]) or 0) >= 50,
        ))
        growth, short_growth = app["peak_mb"] - app["start_mb"], short["peak_mb"] - short["start_mb"]
        rows.append(_row(
            "3 import", "import_purchases peak memory", app["peak_mb"], None, unit="MB",
            against=f"same command, {short['rows']:,}-row file", against_median=short["peak_mb"],
            ratio=_div(growth, short_growth), ratio_of="growth over start",
            target="flat in file size (growth ≤ 1.5× the short file's + 20 MB)",
            passed=growth <= 1.5 * short_growth + 20,
            note=f"{app['start_mb']} MB before the command; growth {growth:.0f} MB vs {short_growth:.0f} MB",
        ))
    if "application" in sections:
        a = sections["application"]
        steps = ", ".join(f"{name} {s['median_ms']:.0f}" for name, s in a["steps"].items())
        rows.append(_row(
            "4 application", f"subsidy application, {a['claimed']:,} purchases", a["app"]["median_ms"],
            a["app"]["p95_ms"], against="SQL listing and summing the eligible", against_median=a["floor"]["median_ms"],
            against_p95=a["floor"]["p95_ms"], ratio=_div(a["app"]["median_ms"], a["floor"]["median_ms"]),
            ratio_of="median", note=f"ms: {steps}; {a['eligible']:,} eligible; {a['outcome']}",
        ))
    if "exports" in sections:
        pages = {row["label"]: row for row in sections["exports"]}
        small = pages.get("/my/purchases/, small anchor")
        for row in sections["exports"]:
            if row["who"] == "small_anchor":
                continue
            if row["who"] == "anchor" and small:
                rows.append(_row(
                    "5 pages", f"{row['label']} (total)", row["total"]["median_ms"], row["total"]["p95_ms"],
                    against="the same page of a small anchor firm", against_median=small["total"]["median_ms"],
                    against_p95=small["total"]["p95_ms"],
                    ratio=_div(row["total"]["median_ms"], small["total"]["median_ms"]), ratio_of="median",
                    target="≤ 1.5× the small firm's", passed=(_div(row["total"]["median_ms"],
                                                                    small["total"]["median_ms"]) or 99) <= 1.5,
                    note=f"first byte {row['ttfb']['median_ms']} ms; statuses {row['statuses']}",
                ))
                continue
            rows.append(_row(
                "5 pages", f"{row['label']} (first byte)", row["ttfb"]["median_ms"], row["ttfb"]["p95_ms"],
                target="first byte < 1000 ms", passed=row["ttfb"]["p95_ms"] < 1000 and row["statuses"] == [200],
                note=f"total {row['total']['median_ms']} ms median, {row['megabytes']} MB, statuses {row['statuses']}",
            ))
    return rows


def _fmt(value, unit="ms"):
    if value is None:
        return "–"
    if unit == "rows/s":
        return f"{value:,.0f}/s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def _verdict(row) -> str:
    parts = []
    if row["pass"] is not None:
        parts.append("pass" if row["pass"] else "FAIL")
    if row["check"] is False:
        parts.append("MISMATCH")
    return " ".join(parts) or "–"


def _lines(results: dict) -> list[list[str]]:
    header = ["figure", "median", "p95", "against", "its median", "its p95", "ratio", "target", "verdict"]
    lines = [header]
    for row in results["figures"]:
        ratio = "–" if row["ratio"] is None else f"{row['ratio']:.2f}× ({row['ratio_of']})"
        lines.append([
            f"{row['section']}: {row['figure']}", _fmt(row["median"], row["unit"]), _fmt(row["p95"], row["unit"]),
            row["against"] or "–", _fmt(row["against_median"], row["unit"]), _fmt(row["against_p95"], row["unit"]),
            ratio, row["target"] or "–", _verdict(row),
        ])
    return lines


def _heading(results: dict) -> str:
    data = results["data"]
    versions = results["versions"]
    engine = f"PostgreSQL {versions['postgresql']}" if "postgresql" in versions else f"SQLite {versions.get('sqlite')}"
    return (f"scale {results['scale']} ({int(data.get('companies', 0)):,} companies, "
            f"{int(data.get('purchases', 0)):,} purchases; generated in {data.get('generate_seconds')} s) on "
            f"{engine}, {results['cores']} cores, load {results['load_average_start'][0]} → "
            f"{results['load_average_end'][0]}, commit {versions.get('commit', '?')}; times in ms")


def table(results: dict) -> str:
    lines = _lines(results)
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = [_heading(results)]
    for n, line in enumerate(lines):
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    notes = [f"- {row['section']}: {row['figure']}: {row['note']}" for row in results["figures"] if row["note"]]
    return "\n".join(out + [""] + notes)


def markdown(results: dict) -> str:
    lines = _lines(results)
    out = [_heading(results) + ".", ""]
    out.append("| " + " | ".join(lines[0]) + " |")
    out.append("|" + "|".join(" --- " for _ in lines[0]) + "|")
    for line in lines[1:]:
        out.append("| " + " | ".join(cell.replace("|", "/") for cell in line) + " |")
    out.append("")
    out += [f"- {row['section']}: {row['figure']}: {row['note']}" for row in results["figures"] if row["note"]]
    return "\n".join(out)


def _table_key(results: dict) -> str:
    """Which of the README's tables a run replaces: one per database and scale ("PostgreSQL city")."""
    engine = "PostgreSQL" if "postgresql" in results["versions"] else "SQLite"
    return f"{engine} {results['scale']}"


def _markers(key: str) -> tuple[str, str]:
    return f"<!-- bench table: {key}: start -->", f"<!-- bench table: {key}: end -->"


def readme_table(results: dict, readme) -> None:
    """Write the run's table into README.md in place of the last one of the same database and scale (the README
    keeps SQLite and PostgreSQL at city scale and PostgreSQL at national scale side by side)."""
    text = readme.read_text()
    start, end = _markers(_table_key(results))
    block = f"{start}\n{markdown(results)}\n{end}"
    if start in text and end in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text)


def main(argv=None) -> int:
    """`python -m bench.report RESULTS.json [--update-readme]`: print a saved run's table (and write it into the
    README), e.g. a run kept under another name with `--output`."""
    import argparse
    import json
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m bench.report", description=main.__doc__)
    parser.add_argument("results", nargs="+", type=Path)
    parser.add_argument("--update-readme", action="store_true")
    args = parser.parse_args(argv)
    for path in args.results:
        results = json.loads(path.read_text())
        print(table(results))
        if args.update_readme:
            readme_table(results, Path(__file__).resolve().parent.parent / "README.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
