"""Fill empty msgstr of catalogues from JSON {msgid: msgstr} maps (after `make messages`).

Usage:
  .venv/bin/python scripts/fill_translations.py <catalogue.po> map.json [map.json ...]
  .venv/bin/python scripts/fill_translations.py --all          # every app's catalogue, every map in scripts/translations

A plural entry (zh_Hans has one form) takes the map's translation of its singular msgid.
"""
import glob
import json
from pathlib import Path
import sys

import polib

ROOT = Path(__file__).resolve().parent.parent


def fill(catalogue, mapping):
    po = polib.pofile(catalogue)
    n = 0
    for e in po:
        if e.msgid not in mapping or e.obsolete:
            continue
        if e.msgid_plural:
            if not any(e.msgstr_plural.values()):
                e.msgstr_plural = {0: mapping[e.msgid]}
                n += 1
        elif not e.msgstr:
            e.msgstr = mapping[e.msgid]
            n += 1
        else:
            continue
        if "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
    po.save()
    return n


def main(argv):
    if argv[:1] == ["--all"]:
        catalogues = [p for p in glob.glob(str(ROOT / "**/locale/zh_Hans/LC_MESSAGES/django.po"), recursive=True)
                      if "/.venv/" not in p and "/node_modules/" not in p]
        maps = sorted(glob.glob(str(ROOT / "scripts/translations/*.json")))
    else:
        catalogues, maps = argv[:1], argv[1:]
    mapping = {}
    for path in maps:
        mapping.update(json.load(open(path, encoding="utf-8")))
    for catalogue in catalogues:
        n = fill(catalogue, mapping)
        if n:
            print(f"{Path(catalogue).relative_to(ROOT)}: filled {n}")


if __name__ == "__main__":
    main(sys.argv[1:])
