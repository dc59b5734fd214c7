#!/usr/bin/env python3
"""Rebuild the person-name dictionaries shipped in src/detect/data/.

Sources (see NOTICE.md next to this file):
  * Faker (MIT, (c) Daniele Faraglia and contributors): per-locale first/last name tuples in
    faker/providers/person/<locale>/__init__.py.
  * names 0.3.0 (MIT code by Trey Hunner) which ships the 1990 US Census name-frequency files
    dist.male.first, dist.female.first, dist.all.last (US government work, public domain).

Usage (no network besides PyPI):
    pip download --no-deps faker names -d /tmp/names_src
    python3 src/detect/data/build_names.py /tmp/names_src

The script reads the wheel / sdist archives directly (it never imports Faker), parses the provider
modules with `ast`, keeps only string literals of the name attributes, lower-cases (Unicode),
de-duplicates and writes one name per line, sorted:
    given_names.txt   first names (all locales + US Census first names)
    surnames.txt      last names (all locales + the most frequent US Census surnames)
Re-running on the same inputs gives byte-identical output.
"""

import ast
import glob
import io
import os
import sys
import tarfile
import unicodedata
import zipfile

LOCALES = ["en_US", "en_GB", "pt_PT", "pt_BR", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL"]
# How many of the most frequent US Census surnames to keep (the full list has 88k entries, most
# of them rare and many of them ordinary English words).
CENSUS_SURNAMES = 5000
# Minimum cumulative frequency rank for census first names: keep all of them (~5.5k).

GIVEN_ATTRS = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary")
SUR_ATTRS = ("last_names", "last_names_male", "last_names_female")

OUT_DIR = os.path.dirname(os.path.abspath(__file__))


def literal_strings(node):
    """Every string literal under an expression (tuples, lists, dicts keys, OrderedDict(...))."""
    out = []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        out.append(node.value)
    elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        for elt in node.elts:
            out.extend(literal_strings(elt))
    elif isinstance(node, ast.Dict):
        for k in node.keys:
            if k is not None:
                out.extend(literal_strings(k))
    elif isinstance(node, ast.Call):
        # OrderedDict(((name, weight), ...)) -> the first element of each pair
        for arg in node.args:
            if isinstance(arg, (ast.Tuple, ast.List)):
                for elt in arg.elts:
                    if isinstance(elt, ast.Tuple) and elt.elts:
                        out.extend(literal_strings(elt.elts[0]))
                    else:
                        out.extend(literal_strings(elt))
    return out


def provider_names(source):
    tree = ast.parse(source)
    given, sur = [], []
    for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
        for stmt in cls.body:
            if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
                continue
            tgt = stmt.targets[0]
            if not isinstance(tgt, ast.Name):
                continue
            if tgt.id in GIVEN_ATTRS:
                given.extend(literal_strings(stmt.value))
            elif tgt.id in SUR_ATTRS:
                sur.extend(literal_strings(stmt.value))
    return given, sur


PARTICLES = {"de", "da", "do", "dos", "das", "di", "del", "della", "van", "der", "den", "ter",
             "ten", "von", "zu", "le", "la", "du", "des", "'t", "in", "op", "het", "y", "e"}


def clean(name):
    name = unicodedata.normalize("NFC", name.strip())
    words = name.split()
    # "de Jong", "van den Berg": keep the core surname after the particles.
    if len(words) > 1 and all(w.lower() in PARTICLES for w in words[:-1]):
        name = words[-1]
    if len(name) < 2 or " " in name:
        return None
    if not all(c.isalpha() or c in "'-" for c in name):
        return None
    return name.lower()


def main(src_dir):
    wheels = sorted(glob.glob(os.path.join(src_dir, "faker-*.whl")))
    sdists = sorted(glob.glob(os.path.join(src_dir, "names-*.tar.gz")))
    if not wheels or not sdists:
        sys.exit("need faker-*.whl and names-*.tar.gz in " + src_dir)
    given, sur = set(), set()
    with zipfile.ZipFile(wheels[-1]) as zf:
        for loc in LOCALES:
            src = zf.read(f"faker/providers/person/{loc}/__init__.py").decode("utf-8")
            g, s = provider_names(src)
            given.update(filter(None, map(clean, g)))
            sur.update(filter(None, map(clean, s)))
    with tarfile.open(sdists[-1]) as tf:
        def census(member_suffix):
            for m in tf.getmembers():
                if m.name.endswith(member_suffix):
                    data = tf.extractfile(m).read().decode("ascii")
                    return [line.split()[0] for line in data.splitlines() if line.strip()]
            sys.exit("missing " + member_suffix)
        for n in census("names/dist.male.first") + census("names/dist.female.first"):
            c = clean(n)
            if c:
                given.add(c)
        for n in census("names/dist.all.last")[:CENSUS_SURNAMES]:
            c = clean(n)
            if c:
                sur.add(c)
    for fname, items in (("given_names.txt", given), ("surnames.txt", sur)):
        with io.open(os.path.join(OUT_DIR, fname), "w", encoding="utf-8", newline="\n") as f:
            for n in sorted(items):
                f.write(n + "\n")
        print(fname, len(items))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/names_src")
