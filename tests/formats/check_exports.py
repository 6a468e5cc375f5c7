#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""librprocdump.so exports its public API and nothing else.

    check_exports.py --library librprocdump.so --header rprocdump.h \
                     --map librprocdump.sym --cc cc

The functions the header declares (after the preprocessor, without the
static inline *_freep helpers and typedefs) must be exactly the symbols the
version script lists and exactly the dynamic symbols the library defines,
all in the LIBRPROCDUMP_0 node; the library has a SONAME.
"""
import argparse
import os
import re
import subprocess
import sys


def header_functions(cc, header):
    include = os.path.dirname(os.path.dirname(header))
    src = subprocess.run(
        [cc, "-E", "-P", "-D_GNU_SOURCE", "-I" + include, "-"],
        input='#include "rproc/%s"\n' % os.path.basename(header),
        capture_output=True, text=True, check=True).stdout
    names, depth, stmt = set(), 0, []
    for ch in src:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                stmt = []  # the end of a body: an inline function's
            continue
        if depth:
            continue
        if ch != ";":
            stmt.append(ch)
            continue
        text = " ".join("".join(stmt).split())
        stmt = []
        if text.startswith(("typedef", "static", 'extern "C"')):
            continue
        m = re.search(r"\b(rpd_\w+)\s*\(", text)
        if m:
            names.add(m.group(1))
    return names


def map_functions(path):
    with open(path) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    body = re.search(r"global:(.*?)local:", text, re.S).group(1)
    return set(re.findall(r"(\w+)\s*;", body))


def library_symbols(path):
    out = subprocess.run(["nm", "-D", "--defined-only", path],
                         capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            name, _, version = parts[2].partition("@")
            syms[name] = (parts[1], version.lstrip("@"))
    return syms


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--library", required=True)
    ap.add_argument("--header", required=True)
    ap.add_argument("--map", required=True)
    ap.add_argument("--cc", default="cc")
    args = ap.parse_args()
    failures = []

    declared = header_functions(args.cc, args.header)
    listed = map_functions(args.map)
    syms = library_symbols(args.library)
    exported = {n for n, (kind, _) in syms.items() if kind != "A"}

    for name, what in ((listed - declared, "listed in the map but not declared"),
                       (declared - listed, "declared but not in the map"),
                       (exported - declared, "exported but not declared"),
                       (declared - exported, "declared but not exported")):
        for n in sorted(name):
            failures.append("%s: %s" % (n, what))
    for n in sorted(exported):
        if not n.startswith("rpd_"):
            failures.append("%s: exported without the rpd_ prefix" % n)
        if syms[n][1] != "LIBRPROCDUMP_0":
            failures.append("%s: version %r, not LIBRPROCDUMP_0" %
                            (n, syms[n][1]))
    dyn = subprocess.run(["readelf", "-d", args.library], capture_output=True,
                         text=True, check=True).stdout
    soname = re.search(r"\(SONAME\)\s+Library soname: \[(.*)\]", dyn)
    if not soname or not re.fullmatch(r"librprocdump\.so\.\d+", soname.group(1)):
        failures.append("no SONAME librprocdump.so.N: %s" %
                        (soname.group(1) if soname else "none"))

    for f in failures:
        print("FAIL: " + f)
    print("%d functions declared, %d exported, SONAME %s: %s" %
          (len(declared), len(exported), soname.group(1) if soname else "-",
           "FAILED" if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
