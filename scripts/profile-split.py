#!/usr/bin/env python3
"""Where a selfeval run's time goes, by output: reads `perf script` output
(a `perf record -g` of the release binary built with `--profile profiling`)
and gives each sample to the first stage, in the order below, whose
function is anywhere on its stack. Prints a Markdown table of shares.

    perf record -F 2999 -g --call-graph dwarf,16384 -o perf.data \
        target/profiling/selfeval check DIR --out OUT -q
    perf script -i perf.data | python3 scripts/profile-split.py
"""
import re
import sys

# (stage, pattern on a frame's symbol): the first that matches a sample's
# stack takes the sample.
STAGES = [
    ("annotated copy: proof", r"selfeval::write::annotate::proof::"),
    ("annotated copy: edit", r"selfeval::write::annotate::"),
    ("feedback workbook (校验报告)", r"selfeval::write::feedback::(report_workbook|sheets)"),
    ("writing files (temp + rename, fsync)", r"selfeval::write::(atomic_write|sink::)"),
    ("feedback: other", r"selfeval::write::feedback::"),
    ("summary workbook", r"selfeval::(write::summary|consolidate::)"),
    ("draft (报告初稿)", r"selfeval::write::(draft|docx)"),
    ("register (核实与更正)", r"selfeval::(write::register|decisions::)"),
    ("report.json", r"selfeval::write::json|serde_json::"),
    ("fingerprint hashing", r"selfeval::fingerprint::|sha2::"),
    ("自评报告 and 佐证材料", r"selfeval::submission::"),
    ("checks", r"selfeval::checks::"),
    ("model (typed submission)", r"selfeval::model::"),
    ("read (calamine and ours)", r"selfeval::read::|calamine::"),
    ("roster", r"selfeval::roster::"),
    ("scan", r"selfeval::scan::|walkdir::"),
]
# A frame's symbol starts the pattern (a trait impl's `<` aside): a type
# named in another function's generic parameters does not count.
COMPILED = [(name, re.compile(r"<?(?:" + p + ")")) for name, p in STAGES]


def samples(lines):
    stack = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if stack:
                yield stack
            stack = []
        elif line.startswith((" ", "\t")):
            # "    7f12ab symbol+0x1c (/path/to/binary)"
            parts = line.split(None, 1)
            if len(parts) == 2:
                stack.append(parts[1])
    if stack:
        yield stack


def main():
    counts = {}
    total = 0
    for stack in samples(sys.stdin):
        total += 1
        stage = "other (start-up, threads, allocator, kernel)"
        for name, rx in COMPILED:
            if any(rx.match(f) for f in stack):
                stage = name
                break
        counts[stage] = counts.get(stage, 0) + 1
    print(f"samples: {total}")
    print()
    print("| stage | share of CPU time |")
    print("| --- | ---: |")
    for name, _ in STAGES + [("other (start-up, threads, allocator, kernel)", None)]:
        if counts.get(name):
            print(f"| {name} | {100 * counts[name] / total:.1f} % |")


if __name__ == "__main__":
    main()
