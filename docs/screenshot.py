"""Render the sample log as GitHub shows it and take a screenshot with headless Chromium.

GitHub renders Markdown with cmark-gfm, styles it with its own stylesheet and draws Mermaid
blocks with Mermaid 11. This script does the same with the pieces available offline:
markdown-it-py with GFM tables and strikethrough, the stylesheet of npm `github-markdown-css`
and npm `mermaid` (11), in a column as wide as GitHub's (a 980 px `.markdown-body` with its
45 px padding). It is a documentation tool: the tests never need Chromium.

    npm install --prefix ASSETS github-markdown-css mermaid@11
    python docs/screenshot.py --assets ASSETS/node_modules [--log sample-repo/RELIABILITY_LOG.md]

writes docs/reliability-log.png (the page itself goes to a temporary folder).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
MERMAID = re.compile(r'<pre><code class="language-mermaid">(.*?)</code></pre>', re.S)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--virtual-time-budget=15000",
]

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>RELIABILITY_LOG.md</title>
<style>{css}</style>
<style>
body {{ margin: 0; background: #fff; }}
.markdown-body {{ box-sizing: border-box; min-width: 200px; max-width: 980px; margin: 0 auto; padding: 45px; }}
</style>
<script>{mermaid}</script>
</head><body><article class="markdown-body">
{body}
</article>
<script>mermaid.initialize({{startOnLoad: true, theme: "default"}});</script>
</body></html>
"""


def to_html(markdown: str, assets: Path) -> str:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    body = md.render(markdown)
    # GitHub draws ```mermaid blocks; Mermaid reads the diagram from a <pre class="mermaid">.
    body = MERMAID.sub(lambda m: f'<pre class="mermaid">{m[1]}</pre>', body)
    css = (assets / "github-markdown-css" / "github-markdown-light.css").read_text(encoding="utf-8")
    script = (assets / "mermaid" / "dist" / "mermaid.min.js").read_text(encoding="utf-8")
    return PAGE.format(css=css, mermaid=script.replace("</script>", "<\\/script>"), body=body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=Path, required=True, help="node_modules holding github-markdown-css and mermaid")
    parser.add_argument("--log", type=Path, default=ROOT / "sample-repo" / "RELIABILITY_LOG.md")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "reliability-log.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=9400, help="the page's height: the whole sample log at 1,280 px")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "RELIABILITY_LOG.html"
        page.write_text(to_html(args.log.read_text(encoding="utf-8"), args.assets), encoding="utf-8")
        profile = Path(work) / "profile"
        proc = subprocess.run(
            [
                args.chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={args.width},{args.height}",
                f"--screenshot={args.out}",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    if proc.returncode != 0 or not args.out.is_file():
        print(proc.stderr, file=sys.stderr)
        return 1
    print(f"wrote {args.out} from {args.log}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
