"""The static site (`make site`): its size, each page's first chart, and its hot sliders.

The site is built as `make site` builds it (scripts/build_site.py: placeholder run links,
screenshots) into a temporary folder and served on 127.0.0.1, as tests/browser/test_site.py
serves it; headless Chromium opens each lab's page with every request that leaves that
server aborted (a page that asked for one fails the run). Figures: the site's megabytes; per
page, the first chart drawn after navigation (performance.now() at the first animation frame
after a renderer chart has drawn), over RUNS fresh visits, and when every chart was seen
drawn (polled, so a little late); per page with a hot control, its first hot slider timed
key press to painted frame (tests/browser/latency.py, PRESSES presses after 3 warm-ups),
on the last visit. Targets: the site
<= 40 MB, the first chart <= 1.5 s, hot sliders p90 <= 33 ms.
Run alone: python benchmarks/bench_site.py  (about 5 minutes: two labs are executed).
"""

import os
import statistics
import sys
import tempfile
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Lab  # noqa: E402
from tests.browser.latency import canvas_hash, summary, time_presses  # noqa: E402
from tests.browser.test_offline import CHART_LABS, CHARTS_JS, wait_for_charts  # noqa: E402
from tests.browser.test_site import (  # noqa: E402
    SLIDER,
    QuietHandler,
    Visit,
    _build_module,
    hot_slider,
    site_charts,
)

RUNS = int(os.environ.get("BENCH_SITE_RUNS", 3))  # visits a page for its first-chart time
PRESSES = int(os.environ.get("BENCH_PRESSES", 30))
SITE_MB, FIRST_CHART_MS, SLIDER_P90_MS = 40.0, 1500.0, 33.0


def visit_page(browser, base: str, name: str, count: int, slider: bool) -> dict:
    """One fresh visit of lab `name`'s page: first chart and every chart drawn (ms after
    navigation), and with `slider` its first hot slider timed."""
    visit = Visit(browser, base)
    try:
        page = visit.page
        lab = Lab(page, server=None)
        page.goto(base + Path(name).stem + ".html")
        wait_for_charts(lab, count)
        figures = {
            "first_chart_ms": lab.wait_until(lambda: page.evaluate("window.__firstChartMs")),
            "all_charts_ms": page.evaluate("performance.now()"),
        }
        hot = [k for k, c in enumerate(page.evaluate(CHARTS_JS)) if c["hot"]]
        if slider and hot:
            control, index = hot_slider(lab, hot[0])
            widget = page.evaluate(
                "c => [...document.querySelectorAll('.rnnviz-widget')].indexOf("
                "document.querySelectorAll('.rnnviz-chart')[c].closest('.rnnviz-widget'))",
                hot[0],
            )
            times = time_presses(
                page,
                page.locator(SLIDER).nth(index),
                (".rnnviz-widget", widget),
                presses=PRESSES,
                picture=lambda: canvas_hash(page, hot[0]),
            )
            figures["slider"] = {
                "chart": hot[0],
                "control": control,
                "frame_ms": summary(times["frame_ms"]),
                "changed": times["changed"],
                "presses": times["presses"],
            }
        errors = visit.page_errors + visit.failed
        if errors:
            raise RuntimeError(f"{name}: {errors[:5]}")
    finally:
        visit.close()
    if visit.outside:
        raise RuntimeError(f"{name}: requests left the site: {visit.outside}")
    return figures


def main() -> dict:
    from playwright.sync_api import sync_playwright

    build_site = _build_module()
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        out = Path(work) / "site"
        build_site.build(
            out,
            build_site.PLACEHOLDER_REPO,
            "main",
            build_site.PLACEHOLDER_HUB,
            screenshots=True,
            browser=browser,
        )
        site_mb = build_site.site_size(out) / 1e6
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(out)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}/"
        pages = []
        try:
            for name in CHART_LABS:
                count = site_charts(out, name)
                runs = [
                    visit_page(browser, base, name, count, slider=k == RUNS - 1)
                    for k in range(RUNS)
                ]
                row = {
                    "lab": name,
                    "charts": count,
                    "first_chart_ms": [r["first_chart_ms"] for r in runs],
                    "all_charts_ms": [r["all_charts_ms"] for r in runs],
                    "slider": runs[-1].get("slider"),
                }
                row["first_chart_median_ms"] = statistics.median(row["first_chart_ms"])
                pages.append(row)
                print(_line(row), flush=True)
        finally:
            server.shutdown()
            server.server_close()
            browser.close()
    worst_first = max(p["first_chart_median_ms"] for p in pages)
    p90s = [p["slider"]["frame_ms"]["p90"] for p in pages if p["slider"]]
    print(
        f"site {site_mb:.1f} MB (target <= {SITE_MB:.0f}); slowest first chart (median of "
        f"{RUNS}) {worst_first:.0f} ms (target <= {FIRST_CHART_MS:.0f}); hot sliders' p90 up to "
        f"{max(p90s):.0f} ms (target <= {SLIDER_P90_MS:.0f})"
    )
    return {
        "site_mb": site_mb,
        "targets": {"site_mb": SITE_MB, "first_chart_ms": FIRST_CHART_MS, "p90_ms": SLIDER_P90_MS},
        "runs": RUNS,
        "pages": pages,
    }


def _line(row: dict) -> str:
    first = " ".join(f"{t:.0f}" for t in row["first_chart_ms"])
    all_drawn = statistics.median(row["all_charts_ms"])
    text = (
        f"{row['lab']:<32} {row['charts']:>2} charts  first chart {first} ms "
        f"(median {row['first_chart_median_ms']:.0f})  all drawn {all_drawn:.0f} ms"
    )
    s = row["slider"]
    if s:
        f = s["frame_ms"]
        text += (
            f"  slider {s['control']!r}: median {f['median']:.0f} / p90 {f['p90']:.0f} / max "
            f"{f['max']:.0f} ms, {s['changed']}/{s['presses']} changed"
        )
    return text


if __name__ == "__main__":
    main()
