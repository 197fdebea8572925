"""Write throughput of the governance log: answers per second, one process and several.

    python -m eval.log_bench [--answers 1000] [--processes 8] [--url postgresql+psycopg://...]

Each process opens its own AnswerLog and records answers as fast as it can; every append takes
the chain's writer lock, so this measures the serialised append path, then verifies the chain.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
from pathlib import Path

from core.settings import Settings
from governance.log import AnswerLog
from governance.samples import write_sample_answers


def run(data_dir: Path, url: str | None, processes: int, per_process: int) -> float:
    """Answers per second with `processes` writers of `per_process` answers each.

    Timed from the first write to the last, so process start-up and imports are left out.
    """
    if processes == 1:
        spans = [write_sample_answers(str(data_dir), url, per_process, 0)]
    else:
        context = multiprocessing.get_context("spawn")
        jobs = [(str(data_dir), url, per_process, w) for w in range(processes)]
        with context.Pool(processes) as pool:
            spans = pool.starmap(write_sample_answers, jobs)
    elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
    return processes * per_process / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000, help="answers per run")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--url", help="a PostgreSQL URL (a throwaway database); default SQLite")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        settings = Settings(data_dir=data_dir, log_url=args.url)
        AnswerLog.open(settings).close()  # migrate once, outside the timing
        single = run(data_dir, args.url, 1, args.answers)
        multi = run(data_dir, args.url, args.processes, args.answers // args.processes)
        with AnswerLog.open(settings) as log:
            result = log.verify()
    backend = "postgresql" if args.url else "sqlite"
    print(f"{backend}: 1 process {single:.0f} answers/s; {args.processes} processes {multi:.0f} "
          "answers/s")
    print(f"chain: {'ok' if result.ok else 'BROKEN: ' + result.reason}, {result.rows_checked} rows")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
