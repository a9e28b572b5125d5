"""Whole-pipeline benchmark: ``scrapy crawl files`` over real pages against bare extractors.

    python -m bench.pipeline                      # 300 pages, this checkout
    python -m bench.pipeline --baseline /work/main --profile
    python -m bench.pipeline --make 10000 --cores 1 2 --newsplease-python /path/to/python

Runs the whole crawl (spider, Extract, Dedup, Language, Store into a fresh
SQLite file) as a subprocess over the pages of ``/work/shared/extraction-dev/html``
and ``/work/shared/extraction-dev-fundus/html`` and, in the same run,
``trafilatura.extract()`` alone over the same files, ``bare_extraction(with_metadata=True)``
(the same job as our Extract stage: text and metadata), and news-please when it
imports, here or in ``--newsplease-python``. Prints pages/s, CPU ms a page,
peak RSS, SQL statements per document (counted by a ``before_cursor_execute``
listener installed in the crawl's interpreter) and the ratios. ``--make N``
builds an N-document corpus by perturbing words of the pages' paragraphs so
that every document is distinct (``--gzip`` writes it as ``.html.gz`` files,
which the crawl and the alternatives read too: 23 % of the disk, 8 GB instead
of 36 for 100,000 documents of the 679 pages, beside the crawl's database of
about 9 GB; the crawl's main process and the alternatives then also gunzip
each page, about 2 ms); ``--cores 1`` pins everything to one core
with ``taskset -c 0``; ``--baseline DIR`` also crawls with another checkout
(e.g. main) and ``--profile`` adds the Dedup and Store stages' CPU ms per
document from cProfile.

On corpora of 1,000 documents or more it also prints, for each tenth of the
run, documents/s, the RSS of the crawl and its workers together, and the
peak RSS so far (VmHWM) of the main process, of each worker and of all of
them, with how much each peak grew from the second tenth to the last: the
issue's "peak RSS flat from 1k to 100k documents" compares these last
values across runs. The ``RSS MB`` column is the largest single process's
peak (``ru_maxrss`` of the children), not their sum.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
PROGRESS_SECONDS = 5
PAGES = [Path("/work/shared/extraction-dev/html"), Path("/work/shared/extraction-dev-fundus/html")]
PARAGRAPH = re.compile(rb"(<p[^>]*>)([^<]{80,})(</p>)")
WORD = re.compile(rb"[A-Za-z]{4,}")
ADDRESS_TAG = re.compile(rb"<(?:link|meta)\b[^>]*(?:canonical|og:url)[^>]*>", re.IGNORECASE)
ADDRESS_VALUE = re.compile(rb"(?:href|content)\s*=\s*[\"']?(https?://[^\"'\s>]+)", re.IGNORECASE)

# Installed in every interpreter of a measured run (PYTHONPATH): counts SQL statements.
SITECUSTOMIZE = """
import atexit, os
try:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
except ImportError:
    pass
else:
    _count = [0]
    event.listen(Engine, "before_cursor_execute", lambda *a: _count.__setitem__(0, _count[0] + 1))
    def _save():
        with open(os.environ["BENCH_SQL_COUNT"], "a") as handle:
            handle.write(f"{_count[0]}\\n")
    atexit.register(_save)
"""

# Runs scrapy under cProfile timing the main thread's CPU (where Dedup and Store run):
# a wall-clock profile would charge them for the GIL held by the extraction thread.
PROFILED = """
import cProfile, runpy, sys, time
profile = cProfile.Profile(time.thread_time)
output, sys.argv = sys.argv[1], ["scrapy", *sys.argv[2:]]
profile.enable()
try:
    runpy.run_module("scrapy", run_name="__main__")
finally:
    profile.disable()
    profile.dump_stats(output)
"""

# Runs one command and reports its children's CPU and peak RSS; with progress lines on
# its standard error ("Progress: N documents"), also the time, documents and the memory of
# every process of the tree (the crawl and its workers) at each of them: resident now
# (VmRSS) and peak so far (VmHWM), in kB, and CPU seconds so far, with each process's role.
MEASURE = """
import json, os, re, resource, subprocess, sys, time
TICK = os.sysconf("SC_CLK_TCK")
def memory(pid):
    values = {}
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(("VmRSS:", "VmHWM:")):
            values[line[:5]] = int(line.split()[1])
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICK
    return values.get("VmRSS", 0), values.get("VmHWM", 0), cpu
def role(pid, root):
    if pid == root:
        return "main"
    command = open(f"/proc/{pid}/cmdline", "rb").read()
    if b"multiprocessing" in command and b"resource_tracker" not in command:
        return "worker"
    return "other"
def tree(root):
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = open(f"/proc/{name}/stat").read()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(name))
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            found[pid] = [role(pid, root), *memory(pid)]
        except OSError:
            pass
    return found
started = time.perf_counter()
process = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, errors="replace")
samples, note = [], ""
for line in process.stderr:
    if "pages failed" in line:
        note = line.strip()
    found = re.search(r"Progress: (\\d+) documents", line)
    if found:
        samples.append((time.perf_counter() - started, int(found.group(1)), tree(process.pid)))
code = process.wait()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as handle:
    json.dump({"code": code, "wall": time.perf_counter() - started, "cpu": usage.ru_utime
               + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024, "samples": samples,
               "note": note}, handle)
"""

# A page an alternative fails on (news-please needs extra packages for some languages) is
# counted and the run goes on, as a crawl would.
BARE = """
import gzip, sys
from pathlib import Path
failed = 0
for path in sorted(Path(sys.argv[1]).iterdir()):
    data = path.read_bytes()
    html = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8", "replace")
    try:
        {call}
    except Exception:
        failed += 1
if failed:
    print(f"  ({{failed}} pages failed)", file=sys.stderr)
"""
TRAFILATURA = BARE.format(call="import trafilatura; trafilatura.extract(html)")
# The same job as our Extract stage: the text with the title, authors, date, site and image.
TRAFILATURA_METADATA = BARE.format(
    call="import trafilatura; trafilatura.bare_extraction(html, with_metadata=True)"
)
NEWSPLEASE = BARE.format(
    call="from newsplease import NewsPlease; NewsPlease.from_html(html, fetch_images=False)"
)


@dataclass(frozen=True)
class Sample:
    """The crawl at one progress line: time, documents, and each process's memory in kB."""

    seconds: float
    documents: int
    # pid: (main / worker / other, VmRSS kB, VmHWM kB, CPU seconds so far)
    processes: dict[int, tuple[str, int, int, float]]

    @property
    def tree_rss_mb(self) -> float:
        return sum(rss for _, rss, _, _ in self.processes.values()) / 1024


@dataclass
class Result:
    name: str
    pages: int
    wall: float
    cpu: float
    rss_mb: float
    statements: float | None = None
    stage_ms: str = ""
    samples: list[Sample] = field(default_factory=list)

    def row(self) -> str:
        sql = f"{self.statements:>9.2f}" if self.statements is not None else f"{'':>9}"
        cpu = self.cpu * 1000 / self.pages
        return (f"{self.name:<34} {self.pages / self.wall:>8.1f} {cpu:>9.1f} "
                f"{self.rss_mb:>9.0f} {sql}  {self.stage_ms}")  # fmt: skip


def source_files(limit: int) -> list[Path]:
    files = sorted(p for folder in PAGES if folder.is_dir() for p in folder.glob("*.html.gz"))
    return files[:limit] if limit else files


def perturb(html: bytes, rng: random.Random, number: int) -> bytes:
    """Change about one word in twelve of every long paragraph (distinct text, same shape),
    and give the copy an address of its own.

    A copy that kept its page's canonical URL would be an update of that page's article,
    not a new one: the corpus would measure article versions, not articles.
    """

    def paragraph(match: re.Match[bytes]) -> bytes:
        words = WORD.sub(
            lambda w: w.group(0)[::-1] if rng.random() < 1 / 12 else w.group(0), match.group(2)
        )
        return match.group(1) + words + match.group(3)

    return own_address(PARAGRAPH.sub(paragraph, html), number)


def own_address(html: bytes, number: int) -> bytes:
    """The page's declared addresses (canonical link, ``og:url``) with ``copy=N`` added."""
    declared = {
        found.group(1)
        for tag in ADDRESS_TAG.finditer(html)
        for found in ADDRESS_VALUE.finditer(tag.group(0))
    }
    for url in sorted(declared, key=len, reverse=True):
        own = url + (b"&" if b"?" in url else b"?") + b"copy=%d" % number
        for quote in (b'"', b"'"):
            html = html.replace(url + quote, own + quote)
    return html


def build_corpus(folder: Path, sources: list[Path], count: int, packed: bool = False) -> int:
    """``count`` documents (the pages, then perturbed copies of them) as plain .html files,
    or ``.html.gz`` ones with ``packed`` (100,000 plain pages take 36 GB)."""
    folder.mkdir(parents=True)
    rng = random.Random(7)
    pages = [gzip.decompress(path.read_bytes()) for path in sources]
    for number in range(count):
        page = pages[number % len(pages)]
        body = page if number < len(pages) else perturb(page, rng, number)
        if packed:
            (folder / f"doc{number:06}.html.gz").write_bytes(gzip.compress(body, 1, mtime=0))
        else:
            (folder / f"doc{number:06}.html").write_bytes(body)
    return count


def measure(command: list[str], cores: int, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    pin = ["taskset", "-c", "0"] if cores == 1 else []
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        code = [sys.executable, "-c", MEASURE, report.name, *pin, *command]
        subprocess.run(code, check=True, env=env, cwd=cwd)
        values: dict[str, Any] = json.loads(Path(report.name).read_text())
    if values["code"]:
        raise SystemExit(f"{' '.join(command[:6])}… exited with {values['code']:.0f}")
    return values


def crawl(
    name: str, project: Path, corpus: Path, pages: int, cores: int, args: argparse.Namespace
) -> Result:
    """The whole pipeline as a user runs it, into a fresh SQLite file."""
    python = project / ".venv" / "bin" / "python"
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
        counts = folder / "sql-count"
        profile = folder / "crawl.prof"
        env = {**os.environ, "PYTHONPATH": str(folder), "BENCH_SQL_COUNT": str(counts),
               "PYTHONDONTWRITEBYTECODE": "1"}  # fmt: skip
        env.pop("NEWSCRAWLER_DATABASE_URL", None)
        runner = ["-c", PROFILED, str(profile)] if args.profile else ["-m", "scrapy"]
        interpreter = str(python if python.exists() else sys.executable)
        command = [interpreter, *runner, "crawl", "files", "-a", f"path={corpus}",
                   "-s", f"DATABASE_URL=sqlite:///{folder / 'news.sqlite3'}",
                   "-s", f"SPOOL_DIR={folder / 'spool'}", "-s", "LOG_LEVEL=INFO",
                   "-s", f"LOGSTATS_INTERVAL={PROGRESS_SECONDS}",
                   "-s", "TELNETCONSOLE_ENABLED=False"]  # fmt: skip
        values = measure(command, cores, env, project)
        if args.keep_database:
            shutil.copyfile(folder / "news.sqlite3", args.keep_database)
        statements = sum(int(line) for line in counts.read_text().split()) / pages
        stage_ms = stage_cpu(profile, pages) if args.profile else ""
    samples = [Sample(seconds, documents, {int(pid): (role, rss, hwm, cpu)
                                           for pid, (role, rss, hwm, cpu) in processes.items()})
               for seconds, documents, processes in values["samples"]]  # fmt: skip
    return Result(name, pages, values["wall"], values["cpu"], values["rss_mb"], statements,
                  stage_ms, samples)  # fmt: skip


def tenths(result: Result) -> str:
    """Per tenth of the run: documents/s, the process tree's RSS at its end, and the peak RSS
    (VmHWM) so far of the main process and of each worker, which the ±10 % goal reads."""
    reached = tenth_samples(result)
    rates, previous = [], Sample(0.0, 0, {})
    for sample in reached:
        rates.append((sample.documents - previous.documents) / (sample.seconds - previous.seconds))
        previous = sample
    cpu = cpu_per_tenth(result.samples, reached)
    lines = [
        f"  documents/s per tenth: {' '.join(f'{rate:.1f}' for rate in rates)}",
        *(
            f"  CPU ms/doc of the {name} per tenth: {' '.join(f'{ms:.1f}' for ms in values)}"
            for name, values in cpu.items()
        ),
        "  RSS MB of the crawl and its workers at each tenth: "
        + " ".join(f"{sample.tree_rss_mb:.0f}" for sample in reached),
    ]
    peaks = peaks_per_tenth(result.samples, reached)
    lines.append("  peak RSS MB (VmHWM) at each tenth:")
    for name, values in peaks.items():
        lines.append(f"    {name:<26}" + " ".join(f"{peak / 1024:>5.0f}" for peak in values))
    lines.append(flatness(peaks))
    return "\n".join(lines)


def tenth_samples(result: Result) -> list[Sample]:
    """The first progress sample at or past each tenth of the documents; for the last tenth,
    the last sample if none is (the crawl may end between two progress lines)."""
    reached: list[Sample] = []
    for tenth in range(1, 11):
        target = result.pages * tenth / 10
        sample = next((s for s in result.samples if s.documents >= target), None)
        if sample is None and tenth == 10 and result.samples:
            sample = result.samples[-1]
        if sample is not None and (not reached or sample.seconds > reached[-1].seconds):
            reached.append(sample)
    return reached


def cpu_per_tenth(samples: list[Sample], reached: list[Sample]) -> dict[str, list[float]]:
    """CPU ms a document within each tenth, of the crawl process and of the workers together
    (a worker's CPU so far is carried on after it exits): where a slowdown comes from."""
    used: dict[int, tuple[str, float]] = {}
    totals: dict[str, list[float]] = {"crawl process": [], "workers": []}
    before = {"main": 0.0, "worker": 0.0}
    documents = 0
    for sample in samples:
        used.update((pid, (p[0], p[3])) for pid, p in sample.processes.items())
        if sample in reached:
            for role, name in (("main", "crawl process"), ("worker", "workers")):
                now = sum(cpu for kind, cpu in used.values() if kind == role)
                totals[name].append(1000 * (now - before[role]) / (sample.documents - documents))
                before[role] = now
            documents = sample.documents
    return totals


def peaks_per_tenth(samples: list[Sample], reached: list[Sample]) -> dict[str, list[int]]:
    """VmHWM (kB) at each reached sample: of the main process, of each worker (by start
    order) and of all processes together. A worker's last value is carried on: the workers
    stop before the crawl's last progress line."""
    workers = sorted({pid for s in samples for pid, p in s.processes.items() if p[0] == "worker"})
    names = {pid: f"worker {number}" for number, pid in enumerate(workers, 1)}
    seen: dict[int, tuple[str, int]] = {}
    peaks: dict[str, list[int]] = {"main process": [], **{n: [] for n in names.values()}}
    peaks["main process and workers"] = []
    for sample in samples:
        for pid, (role, _, hwm, _) in sample.processes.items():
            if role in ("main", "worker"):
                seen[pid] = (role, max(hwm, seen.get(pid, (role, 0))[1]))
        if sample in reached:
            main = sum(hwm for role, hwm in seen.values() if role == "main")
            peaks["main process"].append(main)
            for pid, name in names.items():
                peaks[name].append(seen.get(pid, ("worker", 0))[1])
            peaks["main process and workers"].append(sum(hwm for _, hwm in seen.values()))
    return peaks


def flatness(peaks: dict[str, list[int]]) -> str:
    """How much each peak grew from the second tenth to the last."""
    changes = [
        f"{name} {100 * (values[-1] - values[1]) / values[1]:+.1f} %"
        for name, values in peaks.items()
        if len(values) > 2 and values[1]
    ]
    return f"  peak RSS, last tenth against the second: {', '.join(changes) or '-'}"


def stage_cpu(profile: Path, pages: int) -> str:
    """Dedup and Store ms per document, from cProfile's cumulative times."""
    import pstats

    stats = pstats.Stats(str(profile)).stats  # type: ignore[attr-defined]
    totals = {"dedup": 0.0, "storage": 0.0}
    for (filename, _line, function), (_, _, _, cumulative, _) in stats.items():
        for stage in totals:
            if filename.endswith(f"pipelines/{stage}.py") and function in (
                "process_item",
                "close_spider",
            ):
                totals[stage] += cumulative
    dedup, store = (totals[s] * 1000 / pages for s in ("dedup", "storage"))
    return f"dedup {dedup:.2f} + store {store:.2f} = {dedup + store:.2f} ms/doc"


def bare(name: str, script: str, python: str, corpus: Path, pages: int, cores: int) -> Result:
    values = measure([python, "-c", script, str(corpus)], cores, dict(os.environ), PROJECT)
    return Result(name, pages, values["wall"], values["cpu"], values["rss_mb"],
                  stage_ms=values["note"])  # fmt: skip


def newsplease_python(option: str | None) -> str | None:
    """An interpreter that imports news-please (this one, or the one given), else None."""
    for python in [option, sys.executable]:
        if python and subprocess.run([python, "-c", "import newsplease"],
                                     capture_output=True).returncode == 0:  # fmt: skip
            return python
    return None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=300, help="real pages to use (0 = all 679)")
    parser.add_argument("--make", type=int, default=0, help="build an N-document perturbed corpus")
    parser.add_argument("--gzip", action="store_true",
                        help="write the corpus as .html.gz files (less disk)")  # fmt: skip
    parser.add_argument("--corpus", type=Path,
                        help="crawl this folder instead (a corpus kept from a run)")  # fmt: skip
    parser.add_argument("--cores", type=int, nargs="+", choices=(1, 2), default=[1, 2],
                        help="crawl pinned to one core, on two, or both (default)")  # fmt: skip
    parser.add_argument("--baseline", type=Path, help="also crawl with this checkout (e.g. main)")
    parser.add_argument("--profile", action="store_true", help="Dedup/Store ms per document")
    parser.add_argument("--keep-database", type=Path,
                        help="copy the (last) crawl's SQLite file here")  # fmt: skip
    parser.add_argument("--newsplease-python", help="an interpreter with news-please installed")
    args = parser.parse_args()
    sources = source_files(args.pages)
    with tempfile.TemporaryDirectory() as work:
        corpus = args.corpus or Path(work) / "corpus"
        if args.corpus:
            pages = sum(1 for path in corpus.iterdir() if path.is_file())
        else:
            pages = build_corpus(corpus, sources, args.make or len(sources), args.gzip)
        origin = f"in {corpus}" if args.corpus else f"from {len(sources)} real pages"
        print(f"{pages} documents {origin}; the alternatives on one core")
        print(f"{'method':<34} {'pages/s':>8} {'CPU ms/p':>9} {'RSS MB':>9} {'SQL/doc':>9}")
        started = time.perf_counter()
        ours = []
        for cores in args.cores:
            ours.append(crawl(f"newscrawler, {cores} core{'s' * (cores > 1)}", PROJECT, corpus,
                              pages, cores, args))  # fmt: skip
            print(ours[-1].row(), flush=True)
            if pages >= 1000:
                print(tenths(ours[-1]), flush=True)
        if args.baseline:
            other = crawl(f"newscrawler ({args.baseline})", args.baseline, corpus, pages,
                          max(args.cores), args)  # fmt: skip
            print(other.row(), flush=True)
        alternatives = []
        for name, script in (
            ("trafilatura.extract() alone", TRAFILATURA),
            ("bare_extraction(with_metadata)", TRAFILATURA_METADATA),
        ):
            alternatives.append(bare(name, script, sys.executable, corpus, pages, 1))
            print(alternatives[-1].row(), flush=True)
        python = newsplease_python(args.newsplease_python)
        if python is None:
            print("news-please: not installed (pip install news-please; or --newsplease-python)")
        else:
            alternatives.append(bare("news-please from_html() alone", NEWSPLEASE, python, corpus,
                                     pages, 1))  # fmt: skip
            print(alternatives[-1].row(), flush=True)
    print()
    for crawled in ours:
        for alternative in alternatives:
            print(f"{crawled.name} / {alternative.name}, pages/s: "
                  f"{alternative.wall / crawled.wall:.2f}")  # fmt: skip
    print(f"(whole benchmark {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
