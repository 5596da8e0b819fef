#!/usr/bin/env python3
"""Benchmark careprint against bare WeasyPrint on a synthetic catalogue made from the real handouts.

Not a test: it measures. Run it from the project root, after ./setup.sh:

    .venv/bin/python benchmarks/bench.py                 # 200 handouts x 2 editions = 400 PDFs
    .venv/bin/python benchmarks/bench.py --handouts 20   # a quick run

It prints a table and writes benchmarks/results.json. What it reports:
- bare WeasyPrint per PDF: HTML(...).render().write_pdf(pdf/ua-1) of the very HTML careprint renders, with one
  reused font configuration, the floor careprint cannot go below;
- careprint per PDF: careprint's render (HTML, PDF, artifact pass), then every verification of that PDF, in the
  same process with the same fonts;
- their ratio, with and without the verification;
- full build of the catalogue with 1 worker and with all workers (fresh processes, --force);
- a no-op rebuild (nothing changed) and a one-handout-changed rebuild, with the number of PDFs each rebuilt;
- languages: one handout's PDF (render and verification, as a build makes it) in Chinese (zh-Hans) and Punjabi (pa)
  against the English one of the same handout and edition, several runs taken in turn, the median of each and its
  ratio to English (target <= 2.0), and the Chinese PDF's size (target under 300 KB). `--languages-only` measures
  just this and updates its part of results.json ("languages"), leaving the other numbers as they were recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_catalogue(folder: Path, count: int) -> list[Path]:
    """`count` handouts: copies of the real ones under new ids, each with its own text so none are identical."""
    originals = sorted((ROOT / "handouts").glob("*.yaml"))
    folder.mkdir(parents=True)
    made = []
    for number in range(count):
        source = originals[number % len(originals)]
        new_id = f"{source.stem}-{number:03d}"
        text = source.read_text(encoding="utf-8").replace(f"id: {source.stem}", f"id: {new_id}", 1)
        text = text.replace('version: "1.0"', f'version: "1.{number}"', 1)
        path = folder / f"{new_id}.yaml"
        path.write_text(text, encoding="utf-8")
        made.append(path)
    return made


def run(args: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "make_pdfs.py"), *args], cwd=ROOT, capture_output=True,
                            text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, result.stdout


def built_count(stdout: str) -> int:
    match = re.search(r"(\d+) of \d+ PDFs built", stdout)
    return int(match.group(1)) if match else 0


def per_pdf_times(handouts_dir: Path, samples: int) -> dict[str, float]:
    """Median seconds per PDF, bare WeasyPrint vs careprint, on the same HTML in one warm process."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from careprint.checks import LaidOutSubject, run_checks
    from careprint.formats.pdf import check_pdf, expected_of
    from careprint.library import load_library
    from careprint.project import EDITIONS, PAPER_SIZES, Project
    from careprint.render import PROJECT_URL, Renderer, jinja_environment, make_fetcher, render_html, render_pdf

    library = load_library(Project(handouts_dir=handouts_dir))
    env = jinja_environment(library.project.templates)
    font_config = FontConfiguration()
    items = library.handouts[:samples]
    bare, rendering, verifying = [], [], []
    for warm_up in (True, False):
        for item in items:
            for name, edition in EDITIONS.items():
                if name not in ("plain-language", "large-print"):
                    continue
                html = render_html(item.handout, edition, library.clinic, library.sources_of(item.handout), env)
                fetcher = make_fetcher(library.project.root)
                texts = Renderer(library.project, edition, PAPER_SIZES["letter"], font_config).sheets
                start = time.perf_counter()
                sheets = [CSS(string=text, base_url=PROJECT_URL + "styles/", font_config=font_config,
                              url_fetcher=fetcher) for text in texts]
                HTML(string=html, base_url=PROJECT_URL, url_fetcher=fetcher).render(
                    stylesheets=sheets, font_config=font_config).write_pdf(pdf_variant="pdf/ua-1")
                middle = time.perf_counter()
                html = render_html(item.handout, edition, library.clinic, library.sources_of(item.handout), env)
                result = render_pdf(html, library.project, edition, PAPER_SIZES["letter"], font_config)
                rendered = time.perf_counter()
                # Every check a build runs on this PDF: the laid-out boxes, then the file read back once.
                run_checks("layout", LaidOutSubject(result.document, result.messages, (item,)))
                check_pdf(result.pdf, edition, expected_of(item, edition, library.clinic))
                end = time.perf_counter()
                if not warm_up:
                    bare.append(middle - start)
                    rendering.append(rendered - middle)
                    verifying.append(end - rendered)
    bare_s, render_s, verify_s = (statistics.median(v) for v in (bare, rendering, verifying))
    return {"bare_weasyprint_s": bare_s, "careprint_render_s": render_s, "careprint_verify_s": verify_s,
            "careprint_s": render_s + verify_s}


LANGUAGES = ("en", "zh-Hans", "pa")


def language_times(handout: str, edition_name: str, runs: int) -> dict[str, object]:
    """Median seconds to make one PDF (careprint's render and every check, PdfMaker.make) of the repository's
    `handout` in English and in each translation, in one warm process; the runs go round the languages in turn so
    a busy machine slows each language alike."""
    from careprint.formats.pdf import PdfMaker
    from careprint.library import load_library
    from careprint.project import EDITIONS, Project

    library = load_library(Project())
    edition = EDITIONS[edition_name]
    maker = PdfMaker(library, "letter")
    times: dict[str, list[float]] = {language: [] for language in LANGUAGES}
    sizes: dict[str, int] = {}
    try:
        for run_number in range(runs + 1):  # the first round warms fonts and caches and is not counted
            for language in LANGUAGES:
                item = library.item(handout, None if language == "en" else language)
                start = time.perf_counter()
                made = maker.make(item, edition)
                elapsed = time.perf_counter() - start
                if made.problems:
                    sys.exit(f"{handout} ({language}) failed its checks: {made.problems[0]}")
                sizes[language] = len(made.data)
                if run_number:
                    times[language].append(elapsed)
    finally:
        maker.close()
    median = {language: statistics.median(values) for language, values in times.items()}
    return {"handout": handout, "edition": edition_name, "runs": runs,
            **{f"{language}_s": median[language] for language in LANGUAGES},
            **{f"{language}_ratio": median[language] / median["en"] for language in LANGUAGES if language != "en"},
            **{f"{language}_bytes": sizes[language] for language in LANGUAGES}}


def language_rows(found: dict) -> list[tuple[str, str]]:
    where = f"{found['handout']}, {found['edition']}, median of {found['runs']}"
    return [
        (f"English PDF ({where})", f"{found['en_s'] * 1000:.0f} ms"),
        ("Chinese (zh-Hans) PDF, ratio to English (target <= 2.0)",
         f"{found['zh-Hans_s'] * 1000:.0f} ms, {found['zh-Hans_ratio']:.2f}x"),
        ("Punjabi (pa) PDF, ratio to English (target <= 2.0)",
         f"{found['pa_s'] * 1000:.0f} ms, {found['pa_ratio']:.2f}x"),
        ("Chinese PDF size (target < 300 KB)", f"{found['zh-Hans_bytes'] / 1024:.0f} KB"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handouts", type=int, default=200, help="synthetic handouts (default 200, x 2 editions)")
    parser.add_argument("--samples", type=int, default=12, help="handouts timed one by one (default 12)")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument("--language-runs", type=int, default=7, help="timed runs of each language (default 7)")
    parser.add_argument("--language-handout", default="hypercalcemia", help="the handout the languages are timed on")
    parser.add_argument("--languages-only", action="store_true",
                        help="measure only the languages and update their part of the JSON")
    args = parser.parse_args()

    if args.languages_only:
        results = json.loads(args.json.read_text()) if args.json.is_file() else {}
        results["languages"] = language_times(args.language_handout, "large-print", args.language_runs)
        rows = language_rows(results["languages"])
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            print(f"{name:<{width}}  {value}")
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
        print(f"wrote {args.json}")
        return 0

    work = Path(tempfile.mkdtemp(prefix="careprint-bench-"))
    try:
        handouts = work / "handouts"
        files = make_catalogue(handouts, args.handouts)
        results: dict[str, object] = {"handouts": args.handouts, "pdfs": 2 * args.handouts, "cores": os.cpu_count()}
        results.update(per_pdf_times(handouts, args.samples))
        results["ratio"] = results["careprint_s"] / results["bare_weasyprint_s"]
        results["ratio_render_only"] = results["careprint_render_s"] / results["bare_weasyprint_s"]
        common = ["--handouts", str(handouts), "--edition", "plain-language", "--edition", "large-print", "--quiet"]
        results["full_build_1_worker_s"], _ = run([*common, "--out", str(work / "out1"), "--jobs", "1", "--force"])
        results["full_build_all_workers_s"], _ = run([*common, "--out", str(work / "out"), "--force"])
        results["speedup"] = results["full_build_1_worker_s"] / results["full_build_all_workers_s"]
        results["noop_rebuild_s"], out = run([*common, "--out", str(work / "out")])
        results["noop_rebuilt_pdfs"] = built_count(out)
        files[0].write_text(files[0].read_text() + "# an author's edit\n")
        results["one_changed_rebuild_s"], out = run([*common, "--out", str(work / "out")])
        results["one_changed_rebuilt_pdfs"] = built_count(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["languages"] = language_times(args.language_handout, "large-print", args.language_runs)

    rows = [
        ("bare WeasyPrint per PDF", f"{results['bare_weasyprint_s'] * 1000:.0f} ms"),
        ("careprint per PDF: render (HTML, PDF, artifact tags)", f"{results['careprint_render_s'] * 1000:.0f} ms"),
        ("careprint per PDF: verification of that PDF", f"{results['careprint_verify_s'] * 1000:.0f} ms"),
        ("ratio, render + verify (target <= 1.20)", f"{results['ratio']:.2f}x"),
        ("ratio, render only", f"{results['ratio_render_only']:.2f}x"),
        (f"full build, {results['pdfs']} PDFs, 1 worker", f"{results['full_build_1_worker_s']:.1f} s"),
        (f"full build, {results['cores']} workers", f"{results['full_build_all_workers_s']:.1f} s"),
        ("speed-up (target >= 1.7)", f"{results['speedup']:.2f}x"),
        ("no-op rebuild (target <= 0.2 s)", f"{results['noop_rebuild_s']:.3f} s, "
                                             f"{results['noop_rebuilt_pdfs']} PDFs rebuilt"),
        ("one handout changed", f"{results['one_changed_rebuild_s']:.2f} s, "
                                f"{results['one_changed_rebuilt_pdfs']} PDFs rebuilt"),
        *language_rows(results["languages"]),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
