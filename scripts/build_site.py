"""Build the labs as a static site that works offline: `make site` writes site/.

Usage: python scripts/build_site.py [--out site] [--repo-url URL] [--branch main]
                                    [--hub-url URL] [--no-screenshots]

Each lab becomes one page made by the project's own HTML export (`jupyter nbconvert --to
html`, which runs rnnviz.export.OfflineWidgets from the config `make install` puts in the
venv): its charts are drawn, and its hot sliders answered, by the page alone. Then:

- MathJax 2.7 comes from the PyPI package jupyter-server-mathjax, copied into
  site/mathjax/, and every page points at that copy, so formulas typeset offline;
- the require.js and mermaid script tags nbconvert's template adds are removed (no widget
  needs them; offline they only stall the page until they time out);
- each page gets a bar with the index, the previous and next labs, and "run this lab" links:
  Binder and a JupyterHub through nbgitpuller, both made from --repo-url (a placeholder by
  default: pass your fork's URL when you publish the site);
- a lab with a widget over the notebook's size budget (FULL_STATE_LABS: lab 07's
  CellActivations, lab 08's AttentionViewer) is executed in a temporary copy with no budget
  (its kernel too: rnnviz.checks.output_budget), so its page draws that widget whole; a
  widget state block over 1 MB is moved to a sidecar script next to the page;
- index.html lists the labs in teaching order, each with its question (the README's lab
  table, else the lab's first markdown cell) and a screenshot of its first chart, taken in
  headless Chromium (/usr/bin/chromium, as the browser tests use) unless --no-screenshots.

The build fails if a page still loads anything from outside site/ (a src or href that is
not a relative path), so the site never makes a request off the host that serves it.
"""

import argparse
import html
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LABS = REPO / "labs"
PLACEHOLDER_REPO = "https://github.com/OWNER/rnnviz"
PLACEHOLDER_HUB = "https://hub.example.edu"
# The configuration jupyter-server-mathjax ships (TeX input, HTML-CSS output), with the one
# web font it ships (STIX-Web), as the classic notebook set it (mathjax_page_config): MathJax
# would otherwise ask for its TeX fonts, which the package leaves out.
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
# The hidden MathML that MathJax adds next to each formula for screen readers (AssistiveMML)
# is styled by its NativeMML output, whose @font-face rules ask for TeX fonts the package
# leaves out (\mathbb asks for MathJax_AMS): each is pointed at a local font instead, so no
# page asks the site for a file it lacks.
NATIVE_FONT_FACE = re.compile(
    r'"(@font-face /\*\d+\*/)":\{("font-family":"[\w-]+"(?:,"font-weight":"bold")?),'
    r"src:\"url\('\"\+n\+\"/[\w-]+\.otf'\)\"\}"
)


def mathjax_page_config(mathjax: Path) -> str:
    """The MathJax configuration each page adds before loading MathJax."""
    combined = (mathjax / "config" / (MATHJAX_CONFIG.split(",")[0] + ".js")).read_text()
    faces = NATIVE_FONT_FACE.findall(combined)
    if not faces:
        raise SystemExit("MathJax's NativeMML @font-face rules not found: revisit NATIVE_FONT_FACE")
    styles = ",".join(
        f'"{face}":{{{family},src:"local(\'STIXGeneral\')"}}' for face, family in faces
    )
    return (
        '<script type="text/x-mathjax-config">\n'
        'MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], preferredFont: null,\n'
        '  webFont: "STIX-Web", imageFont: null},\n'
        f"  NativeMML: {{styles: {{{styles}}}}}}});\n"
        "</script>\n"
    )


# Script tags of nbconvert's page template that no page here needs: require.js, and the
# module that imports mermaid from a CDN when the page has a diagram (none has).
REQUIRE_JS = re.compile(r"<script[^>]*\bsrc=\"[^\"]*require(\.min)?\.js\"[^>]*>\s*</script>\s*")
MODULE_SCRIPT = re.compile(r"<script type=\"module\">((?:(?!</script>).)*)</script>\s*", re.S)
# A resource a page loads (not a link the reader follows): script, link, img, iframe sources.
LOADED = re.compile(r"<(script|link|img|iframe|source)\b[^>]*\b(src|href)=\"([^\"]*)\"", re.I)
CHROMIUM = "/usr/bin/chromium"
# Labs with a widget whose state is over the notebook's budget (scripts/execute_lab.py's
# OUTPUT_BUDGET), so the committed lab shows its name only (lab 07's CellActivations, every
# cell over every signal) or the part that fits (lab 08's AttentionViewer, the first of its
# three-object scenes). The site executes a copy with no budget, and its page draws it whole.
FULL_STATE_LABS = {"07_char_language_model.ipynb", "08_captioning_attention.ipynb"}
# A widget state block larger than this moves out of the page into a sidecar script next to
# it, which puts the block back in the page as it runs (a plain <script src>, so the site
# also works opened from disk, where fetch() of a file is refused). It is deferred: the page
# is parsed, and its first charts drawn (offline.js draws a widget once its block is there),
# without waiting for megabytes of state.
SIDECAR_BYTES = 1_000_000
# (nbconvert's template may reorder the element's attributes.)
STATE_BLOCK = re.compile(r'<script(?=[^>]*class="rnnviz-widget-state")[^>]*>(.*?)</script>', re.S)


def lab_questions(readme: Path) -> dict[str, str]:
    """Each lab's question from the README's lab table, by file name."""
    rows = re.findall(r"^\| `labs/(\d\d_[^`]+\.ipynb)` \| (.+?) \|$", readme.read_text(), re.M)
    return dict(rows)


def lab_title_and_question(notebook: Path) -> tuple[str, str]:
    """The lab's title (its first heading) and the first paragraph of its first markdown
    cell after that heading."""
    nb = json.loads(notebook.read_text())
    first = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    text = "".join(first["source"]).strip()
    heading, _, rest = text.partition("\n")
    paragraph = rest.strip().split("\n\n")[0].replace("\n", " ")
    return heading.lstrip("# ").strip(), re.sub(r"^\*\*The question\.\*\*\s*", "", paragraph)


def binder_url(repo_url: str, branch: str, lab: str) -> str:
    """A mybinder.org link that opens `lab` in JupyterLab."""
    path = urllib.parse.quote(f"lab/tree/labs/{lab}", safe="")
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(\.git)?/?", repo_url)
    if match:
        return f"https://mybinder.org/v2/gh/{match[1]}/{match[2]}/{branch}?urlpath={path}"
    return (
        f"https://mybinder.org/v2/git/{urllib.parse.quote(repo_url, safe='')}/{branch}"
        f"?urlpath={path}"
    )


def nbgitpuller_url(hub_url: str, repo_url: str, branch: str, lab: str) -> str:
    """An nbgitpuller link: the hub clones (or updates) the repository into the student's
    home and opens `lab`."""
    folder = repo_url.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]
    query = urllib.parse.urlencode(
        {"repo": repo_url, "branch": branch, "urlpath": f"lab/tree/{folder}/labs/{lab}"}
    )
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def copy_mathjax(out: Path) -> Path:
    """Copy jupyter-server-mathjax's MathJax 2.7 into out/mathjax, whole: its menu, fonts and
    localisations load on demand, and each must be there when asked for."""
    import jupyter_server_mathjax

    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    return Path(shutil.copytree(source, out / "mathjax"))


def execute_without_budget(notebook: Path, work: Path) -> Path:
    """Execute a copy of `notebook` in `work` as `make execute` does, storing every widget's
    state however large (its kernel is told there is no budget: a widget that sizes itself to
    one shows all its data); returns the copy."""
    spec = importlib.util.spec_from_file_location(
        "execute_lab", REPO / "scripts" / "execute_lab.py"
    )
    execute_lab = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(execute_lab)
    execute_lab.OUTPUT_BUDGET = float("inf")
    copy = work / notebook.name
    shutil.copy(notebook, copy)
    execute_lab.execute(copy)
    return copy


def move_large_state_to_sidecars(text: str, page: Path) -> str:
    """Replace each widget state block over SIDECAR_BYTES by a script next to the page that
    inserts it back where it stood."""
    count = 0

    def sidecar(match):
        nonlocal count
        if len(match[1]) <= SIDECAR_BYTES:
            return match[0]
        count += 1
        name = f"{page.stem}.state{count}.js"
        (page.parent / name).write_text(
            "(() => {\n"
            '  const block = document.createElement("script");\n'
            '  block.type = "application/json";\n'
            '  block.className = "rnnviz-widget-state";\n'
            f"  block.textContent = {json.dumps(match[1])};\n"
            "  document.currentScript.after(block);\n"
            "})();\n"
        )
        return f'<script src="{name}" defer></script>'

    return STATE_BLOCK.sub(sidecar, text)


def export(notebook: Path, out: Path) -> Path:
    """`jupyter nbconvert --to html` with MathJax from the site's own copy."""
    jupyter = Path(sys.executable).parent / "jupyter"
    result = subprocess.run(
        [
            str(jupyter),
            "nbconvert",
            "--to",
            "html",
            str(notebook),
            "--output-dir",
            str(out),
            f"--HTMLExporter.mathjax_url=mathjax/MathJax.js?config={MATHJAX_CONFIG}",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"nbconvert failed on {notebook.name}:\n{result.stderr}")
    page = out / (notebook.stem + ".html")
    if 'class="rnnviz-widget"' not in page.read_text():
        raise SystemExit(
            "the export did not run rnnviz.export.OfflineWidgets: its Jupyter config is not "
            "installed in this environment (make install)"
        )
    return page


NAV_CSS = """<style>
.rnnviz-site-nav{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;
  padding:8px 16px;border-bottom:1px solid #ccc;font:14px sans-serif;background:#f7f7f7}
.rnnviz-site-nav a{color:#1f5fa8;text-decoration:none}
.rnnviz-site-nav a:hover{text-decoration:underline}
.rnnviz-site-nav .run{margin-left:auto}
</style>"""


def nav_bar(labs: list[dict], k: int) -> str:
    """The bar at the top and bottom of lab page k: index, previous, next, run links."""
    links = ['<a href="index.html">All labs</a>']
    if k > 0:
        links.append(
            f'<a rel="prev" href="{labs[k - 1]["page"]}">&larr; {labs[k - 1]["label"]}</a>'
        )
    if k + 1 < len(labs):
        links.append(
            f'<a rel="next" href="{labs[k + 1]["page"]}">{labs[k + 1]["label"]} &rarr;</a>'
        )
    lab = labs[k]
    links.append(
        f'<span class="run">Run this lab: <a href="{html.escape(lab["binder"])}">on Binder</a>'
        f' &middot; <a href="{html.escape(lab["hub"])}">on your JupyterHub</a></span>'
    )
    return f'<nav class="rnnviz-site-nav">{" ".join(links)}</nav>'


def finish_page(page: Path, labs: list[dict], k: int, mathjax_config: str) -> None:
    """Drop the template's unneeded scripts, add the navigation, and check that the page
    loads nothing from outside the site."""
    text = REQUIRE_JS.sub("", page.read_text())
    mathjax = '<script src="mathjax/MathJax.js'
    if text.count(mathjax) != 1:
        raise SystemExit(f"{page.name}: expected one MathJax script from the site's copy")
    text = text.replace(mathjax, mathjax_config + mathjax)
    text = move_large_state_to_sidecars(text, page)
    text = MODULE_SCRIPT.sub(lambda m: "" if "mermaid" in m[1] else m[0], text)
    text = text.replace("</head>", NAV_CSS + "\n</head>", 1)
    bar = nav_bar(labs, k)
    text = re.sub(r"(<body[^>]*>)", lambda m: m[1] + "\n" + bar, text, count=1)
    text = text.replace("</body>", bar + "\n</body>", 1)
    outside = [url for _, _, url in LOADED.findall(text) if re.match(r"[a-z]+:|//", url, re.I)]
    outside += re.findall(r"import\(\s*[\"'`]([a-z]+:[^\"'`]*)", text, re.I)
    if outside:
        raise SystemExit(f"{page.name} still loads from outside the site: {outside}")
    page.write_text(text)


def take_screenshots(out: Path, labs: list[dict], browser=None) -> None:
    """A PNG of each page's first chart, drawn from the page's own stored frames; every
    request that is not a file of the site is aborted. `browser`: a Playwright browser to
    use (the browser tests pass theirs), else headless Chromium is started here."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            own = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            take_screenshots(out, labs, own)
            own.close()
        return
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    # The renderer calls this hook, if a page defines it, after each picture it draws.
    context.add_init_script("globalThis.__rnnvizAfterDraw = (root) => { root.dataset.drawn = 1; };")
    page = context.new_page()
    for lab in labs:
        page.goto((out / lab["page"]).as_uri())
        page.wait_for_selector(".rnnviz-chart[data-drawn]", state="attached", timeout=60_000)
        chart = page.locator(".rnnviz-chart").first
        chart.scroll_into_view_if_needed()
        chart.screenshot(path=str(out / lab["image"]))
    context.close()


INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rnnviz: recurrent neural networks, lab by lab</title>
<style>
body{{font:16px/1.45 sans-serif;max-width:980px;margin:0 auto;padding:16px;color:#222}}
h1{{margin-bottom:4px}} .lead{{color:#444;margin-top:0}}
ol{{list-style:none;padding:0}}
li{{display:flex;gap:18px;padding:14px 0;border-top:1px solid #ddd}}
li img{{width:300px;height:auto;border:1px solid #ccc;flex:none}}
li h2{{font-size:19px;margin:0 0 6px}} li p{{margin:0 0 8px}}
a{{color:#1f5fa8}} .run{{font-size:14px}}
</style></head><body>
<h1>rnnviz</h1>
<p class="lead">Recurrent neural networks, lab by lab (CS231n lecture 10): why a vanilla RNN's
gradient vanishes through time, and how an LSTM's gates fix it. Every picture and every
slider below works in your browser with nothing installed; controls that need Python are
shown greyed out. To run the code, open a lab on Binder or on your course's JupyterHub.</p>
<ol>
{items}
</ol>
</body></html>
"""


def index_item(lab: dict) -> str:
    image = (
        f'<a href="{lab["page"]}"><img src="{lab["image"]}" alt="the first chart of '
        f'{html.escape(lab["title"])}"></a>'
        if lab["image"]
        else ""
    )
    return (
        f'<li>{image}<div><h2><a href="{lab["page"]}">{html.escape(lab["title"])}</a></h2>'
        f"<p>{html.escape(lab['question'])}</p>"
        f'<p class="run">Run it: <a href="{html.escape(lab["binder"])}">Binder</a> &middot; '
        f'<a href="{html.escape(lab["hub"])}">your JupyterHub</a></p></div></li>'
    )


def build(
    out: Path, repo_url: str, branch: str, hub_url: str, screenshots: bool, browser=None
) -> list[dict]:
    """Build the site into `out` (emptied first); returns the labs in teaching order.
    `browser`: the Playwright browser for the screenshots (see take_screenshots)."""
    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    questions = lab_questions(REPO / "README.md")
    labs = []
    for notebook in sorted(LABS.glob("[0-9][0-9]_*.ipynb")):
        title, first_paragraph = lab_title_and_question(notebook)
        labs.append(
            {
                "notebook": notebook,
                "page": notebook.stem + ".html",
                "label": f"Lab {notebook.name[:2]}",
                "title": title,
                "question": questions.get(notebook.name, first_paragraph),
                "image": f"img/{notebook.stem}.png" if screenshots else "",
                "binder": binder_url(repo_url, branch, notebook.name),
                "hub": nbgitpuller_url(hub_url, repo_url, branch, notebook.name),
            }
        )
    mathjax_config = mathjax_page_config(copy_mathjax(out))
    with tempfile.TemporaryDirectory() as work:
        for k, lab in enumerate(labs):
            notebook = lab["notebook"]
            if notebook.name in FULL_STATE_LABS:
                notebook = execute_without_budget(notebook, Path(work))
            finish_page(export(notebook, out), labs, k, mathjax_config)
            print(f"{lab['page']}: {(out / lab['page']).stat().st_size / 1e6:.2f} MB")
    if screenshots:
        (out / "img").mkdir()
        take_screenshots(out, labs, browser)
    (out / "index.html").write_text(INDEX.format(items="\n".join(map(index_item, labs))))
    return labs


def site_size(out: Path) -> int:
    """Bytes of every file in the site."""
    return sum(p.stat().st_size for p in out.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "site")
    parser.add_argument(
        "--repo-url",
        default=PLACEHOLDER_REPO,
        help="the public git repository the run links open (default: a placeholder)",
    )
    parser.add_argument("--branch", default="main")
    parser.add_argument(
        "--hub-url",
        default=PLACEHOLDER_HUB,
        help="your JupyterHub, for the nbgitpuller links (default: a placeholder)",
    )
    parser.add_argument("--no-screenshots", dest="screenshots", action="store_false")
    args = parser.parse_args()
    labs = build(args.out, args.repo_url, args.branch, args.hub_url, args.screenshots)
    print(f"{len(labs)} labs in {args.out}: {site_size(args.out) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
