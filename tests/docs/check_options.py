#!/usr/bin/env python3
"""check_options.py BINARY ROOT - the options of the domain checks, of the spf
subcommand, of the checks subcommand and of the watch subcommand are the same set in the --help text,
in the man page (docs/tmems-check.1) and in the bash completion
(completions/tmems-check.bash); the check ids are the same list in
`tmems-check checks`, in the completion and in docs/checks.md.

Each source is parsed the way a reader takes it:
- --help: the option column of the lines that start with two spaces and a
  dash (the description after the column may name other options);
- the man page: the .TP heads of OPTIONS (the domain checks) and of THE SPF
  SUBCOMMAND, THE CHECKS SUBCOMMAND and THE WATCH SUBCOMMAND;
- the completion: the four opts="..." lists, in the order main, spf,
  checks, watch, and _tmems_check_ids.
"""
import json
import os
import re
import subprocess
import sys

OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])(?![\w-])")


def run(binary, *args):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run([binary, *args, "--lang", "en"], capture_output=True, text=True,
                          env=env, check=True).stdout


def help_options(text):
    found = set()
    for line in text.splitlines():
        if not re.match(r"  -", line):
            continue
        column = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        found |= set(OPTION.findall(column))
    return found


def man_sections(text):
    """{section name: its lines}, with troff's \\- read as '-'."""
    sections, name = {}, None
    for line in text.replace("\\-", "-").splitlines():
        if line.startswith(".SH "):
            name = line[4:].strip().strip('"')
            sections[name] = []
        elif name:
            sections[name].append(line)
    return sections


def tp_heads(lines):
    found = set()
    for i, line in enumerate(lines):
        if line.startswith(".TP") and i + 1 < len(lines):
            found |= set(OPTION.findall(lines[i + 1]))
    return found


def completion_lists(text):
    lists = [set(m.split()) for m in re.findall(r'opts="([^"]*)"', text, re.S)]
    ids = re.search(r'_tmems_check_ids="([^"]*)"', text, re.S).group(1).split()
    return lists, ids


def main():
    binary, root = sys.argv[1], sys.argv[2]
    failures = 0

    def same(what, sets):
        nonlocal failures
        names = list(sets)
        union = set().union(*sets.values())
        bad = False
        for name in names:
            missing = union - sets[name]
            if missing:
                bad = True
                print(f"FAIL {what}: {name} lacks {' '.join(sorted(missing))}")
        if not sets[names[0]]:
            bad = True
            print(f"FAIL {what}: nothing parsed from {names[0]}")
        if bad:
            failures += 1
        else:
            print(f"ok   {what}: {len(union)} the same in {', '.join(names)}")

    man = man_sections(open(os.path.join(root, "docs/tmems-check.1"), encoding="utf-8").read())
    comp_text = open(os.path.join(root, "completions/tmems-check.bash"), encoding="utf-8").read()
    comp, comp_ids = completion_lists(comp_text)
    if len(comp) != 4:
        print(f"FAIL the completion has {len(comp)} opts lists, expected 4 (main, spf, checks, watch)")
        sys.exit(1)

    same("options of the domain checks", {
        "--help": help_options(run(binary, "--help")),
        "the man page (OPTIONS)": tp_heads(man.get("OPTIONS", [])),
        "the completion": comp[0]})
    same("options of tmems-check spf", {
        "spf --help": help_options(run(binary, "spf", "--help")),
        "the man page (THE SPF SUBCOMMAND)": tp_heads(man.get("THE SPF SUBCOMMAND", [])),
        "the completion": comp[1]})
    same("options of tmems-check checks", {
        "checks --help": help_options(run(binary, "checks", "--help")),
        "the man page (THE CHECKS SUBCOMMAND)": tp_heads(man.get("THE CHECKS SUBCOMMAND", [])),
        "the completion": comp[2]})
    same("options of tmems-check watch", {
        "watch --help": help_options(run(binary, "watch", "--help")),
        "the man page (THE WATCH SUBCOMMAND)": tp_heads(man.get("THE WATCH SUBCOMMAND", [])),
        "the completion": comp[3]})

    # The check ids: the catalogue's order everywhere it is a list.
    catalogue = [c["id"] for c in json.loads(run(binary, "checks", "--format", "json"))["checks"]]
    checks_md = re.findall(r"^### `([a-z_]+\.[a-z_]+)`$",
                           open(os.path.join(root, "docs/checks.md"), encoding="utf-8").read(),
                           re.M)
    comp_check_ids = [i for i in comp_ids if not i.endswith(".")]
    prefixes = sorted({i.split(".")[0] + "." for i in catalogue})
    for name, got in (("docs/checks.md", checks_md), ("the completion", comp_check_ids)):
        if got == catalogue:
            print(f"ok   {len(catalogue)} check ids in catalogue order in {name}")
        else:
            failures += 1
            print(f"FAIL check ids of {name} differ from tmems-check checks: "
                  f"missing {sorted(set(catalogue) - set(got))}, "
                  f"extra {sorted(set(got) - set(catalogue))}, or another order")
    comp_prefixes = sorted(i for i in comp_ids if i.endswith("."))
    if comp_prefixes == prefixes:
        print(f"ok   the completion offers every id prefix: {' '.join(prefixes)}")
    else:
        failures += 1
        print(f"FAIL the completion's prefixes {comp_prefixes}, expected {prefixes}")

    if failures:
        print(f"check_options: {failures} failures")
        sys.exit(1)
    print("check_options: all passed")


if __name__ == "__main__":
    main()
