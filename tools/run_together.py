"""Run commands at the same time; print each one's output when it ends; fail if any failed.

    python tools/run_together.py "pytest -m browser" "pytest -m 'not browser'"

The machines the course is tested on have 2 cores, and most of the suite keeps only one busy:
a pytest process waiting on a notebook kernel, or on JupyterLab and Chromium. Two halves side
by side take about the time of the longer one. Each command's output goes to a file while it
runs and is printed in one piece when it ends, so the two never interleave. Exit status: 0 if
every command exited 0; otherwise the first nonzero status (in the order given). pytest's 5,
"no tests collected", counts as a failure (a half that tests nothing is a broken command).
"""
import shlex
import subprocess
import sys
import tempfile
import time


def main(commands):
    if not commands:
        print(__doc__)
        return 2
    jobs = []
    for command in commands:
        log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        print(f"=== started: {command}", flush=True)
        jobs.append((command, log, time.monotonic(),
                     subprocess.Popen(shlex.split(command), stdout=log, stderr=subprocess.STDOUT)))
    statuses = {}
    while len(statuses) < len(jobs):
        for command, log, start, proc in jobs:
            if command in statuses or proc.poll() is None:
                continue
            statuses[command] = proc.returncode
            log.seek(0)
            print(f"=== output of: {command}", flush=True)
            sys.stdout.write(log.read())
            note = " (pytest: no tests collected)" if proc.returncode == 5 else ""
            print(f"=== {command}: exit {proc.returncode}{note} after "
                  f"{time.monotonic() - start:.0f} s", flush=True)
        time.sleep(0.5)
    failed = [statuses[c] for c, *_ in jobs if statuses[c] != 0]
    return failed[0] if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
