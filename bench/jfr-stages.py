#!/usr/bin/env python3
"""Share of a JFR recording's execution samples per stage of the packet path (BENCHMARKS.md's stage tables).

usage: bench/jfr-stages.py [--lines METHOD] [--score NS] RECORDING.jfr STAGES.txt|-

Each sample goes to the first stage (from the top of its stack) whose marker occurs in a frame; samples naming no
stage are listed as "other: <top method>". STAGES.txt holds lines "stage name=marker" (a substring of a frame such
as "FlowTable.lookupBurst"); a stage may have several lines; '#' starts a comment; '-' reads stdin.
--score NS adds each stage's share of NS (the benchmark's ns/op in that run). --lines METHOD instead counts the
samples whose first frame in METHOD is at each source line (a pass of a loop-by-loop method).
Needs the JDK's `jfr` tool on PATH or in $JAVA_HOME/bin. Exit 0, or 2 with one line on stderr.

  java -jar bench/target/benchmarks.jar 'TranslateBenchmark.burst32$' -p flows=10000 -p verify=true -f 1 -i 15 \\
      -prof 'jfr:dir=/tmp/jfr;configName=profile'
  bench/jfr-stages.py --score 111 /tmp/jfr/*/profile.jfr bench/jfr-stages/established.txt
"""
import collections
import os
import re
import shutil
import signal
import subprocess
import sys

FRAME = re.compile(r'stackTrace = \[(.*?)\n\s*\]', re.S)


def fail(msg):
    print('jfr-stages: ' + msg, file=sys.stderr)
    sys.exit(2)


def jfr_tool():
    home = os.environ.get('JAVA_HOME')
    if home and os.path.exists(os.path.join(home, 'bin', 'jfr')):
        return os.path.join(home, 'bin', 'jfr')
    return shutil.which('jfr') or fail('no jfr tool (set JAVA_HOME to a JDK)')


def stacks(recording):
    run = subprocess.run([jfr_tool(), 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '64', recording],
                         capture_output=True, text=True)
    if run.returncode != 0:
        fail(recording + ': ' + (run.stderr.strip().splitlines() or ['jfr print failed'])[-1])
    for event in run.stdout.split('jdk.ExecutionSample'):
        m = FRAME.search(event)
        if m:
            frames = [f.strip() for f in m.group(1).split('\n') if f.strip() and f.strip() != '...']
            if frames:
                yield frames


def read_stages(path):
    try:
        text = sys.stdin.read() if path == '-' else open(path, encoding='utf-8').read()
    except OSError as e:
        fail(f'{path}: {e.strerror}')
    stages = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        if '=' not in line:
            fail(f'{path}:{n}: expected "stage name=marker"')
        name, marker = (part.strip() for part in line.split('=', 1))
        if not name or not marker:
            fail(f'{path}:{n}: empty stage name or marker')
        stages.append((name, marker))
    return stages


def main(argv):
    if '-h' in argv or '--help' in argv:
        print(__doc__.strip())
        return 0
    score, method, args = None, None, []
    i = 0
    while i < len(argv):
        if argv[i] in ('--score', '--lines'):
            if i + 1 >= len(argv):
                fail(argv[i] + ' needs a value')
            if argv[i] == '--score':
                try:
                    score = float(argv[i + 1])
                except ValueError:
                    fail('--score: not a number: ' + argv[i + 1])
            else:
                method = argv[i + 1]
            i += 2
        elif argv[i].startswith('-') and argv[i] != '-':
            fail('unknown option ' + argv[i])
        else:
            args.append(argv[i])
            i += 1
    if len(args) != (1 if method else 2):
        fail('usage: jfr-stages.py [--score NS] RECORDING.jfr STAGES.txt|-  or  --lines METHOD RECORDING.jfr')
    if not os.path.exists(args[0]):
        fail(args[0] + ': no such file')
    counts, total = collections.Counter(), 0
    stages = None if method else read_stages(args[1])
    for frames in stacks(args[0]):
        total += 1
        if method:
            hit = next((f for f in frames if method in f), None)
            if hit:
                line = re.search(r'line: (\d+)', hit)
                counts['line ' + (line.group(1) if line else '?')] += 1
            continue
        stage = next((name for f in frames for name, marker in stages if marker in f), None)
        counts[stage or 'other: ' + re.sub(r'\(.*', '', frames[0])] += 1
    if total == 0:
        fail(args[0] + ': no execution samples')
    rows = sorted(counts.items(), key=lambda kv: (int(kv[0][5:]) if method and kv[0][5:].isdigit() else 0, -kv[1]))
    for name, n in rows:
        share = n / total
        print(f'{100 * share:5.1f}% {n:7d}' + (f' {share * score:7.1f} ns' if score else '') + f'  {name}')
    print(f'samples {total}' + (f', in {method}: {sum(counts.values())}' if method else ''))
    return 0


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends the listing quietly
    sys.exit(main(sys.argv[1:]))
