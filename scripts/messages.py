"""Keeps the zh-hans catalogues right: `make messages` runs it after the code's strings changed.

Each first-party app keeps its translations in its own `<app>/locale/zh_Hans/LC_MESSAGES/django.po`;
the project's catalogue (settings.LOCALE_PATHS, `locale/`) holds the strings of the `portal`
package's own modules and of the top-level `templates/`. Django merges every catalogue into one,
so a msgid lives in exactly one of them, chosen by the layering of the import contract
(pyproject.toml, [tool.importlinter]): a msgid that several apps use goes to the leftmost of them,
which every other user stands on; when the leftmost users may not import each other ("|"
siblings), or no app uses it, it goes to the project's catalogue.

What it does:
1. extracts each app's msgids with Django's makemessages machinery (xgettext over .py, templatized
   .html/.txt), one pot per app and one for the project;
2. takes the translations from every catalogue as it stands (and from --from FILE.po, e.g. an old
   catalogue), non-fuzzy ones only;
3. writes every catalogue anew: the msgids its owner's code uses, with their translations; a msgid
   without a translation is written empty (tests/test_translations.py fails on it). Obsolete
   entries and msgids no code uses are dropped and listed.

    .venv/bin/python scripts/messages.py            # rewrite the catalogues
    .venv/bin/python scripts/messages.py --check    # exit 1 if a msgid is missing, misplaced or untranslated
"""

import argparse
import os
import re
import sys
import tempfile
import tomllib
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LANGUAGE = "zh_Hans"
PROJECT = "project"
OVERRIDES = "overrides another app's translation"
SKIP_DIRS = {"locale", "__pycache__", "static", "node_modules"}
HEADER = {
    "Project-Id-Version": "anquan-portal",
    "Language": LANGUAGE,
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}


class Unit:
    """An app with a catalogue of its own, or the project (the portal package and templates/)."""

    def __init__(self, label, roots, locale_dir, layer, independent, layers=None):
        self.label = label
        self.roots = roots  # directories whose files it owns (sub-apps excluded)
        self.locale_dir = locale_dir
        self.layer = layer  # index in the import contract, 0 = leftmost (grid)
        self.independent = independent  # its layer's siblings may not import each other
        self.layers = layers  # the project's modules sit in several layers (portal.ui, portal.urls)
        self.pot = None

    def layer_at(self, path):
        """(layer, independent) of the code at `path` (relative to BASE_DIR), which it owns."""
        if self.layers is not None and path.endswith(".py"):
            module = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
            found = layer_of(module, self.layers)
            if found is not None:
                return found
        return self.layer, self.independent

    @property
    def po_path(self):
        return self.locale_dir / LANGUAGE / "LC_MESSAGES" / "django.po"

    def __repr__(self):
        return self.label


def contract_layers():
    """{module name: (layer index from the left, siblings independent)} from pyproject.toml."""
    config = tomllib.loads((BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    layers = {}
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["type"] != "layers":
            continue
        for index, layer in enumerate(reversed(contract["layers"])):
            independent = "|" in layer
            for name in re.split(r"[:|]", layer):
                layers.setdefault(name.strip(), (index, independent))
    return layers


def layer_of(name, layers):
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in layers:
            return layers[".".join(parts[:end])]
    return None


def discover_units():
    from django.apps import apps
    from django.conf import settings

    layers = contract_layers()
    right = max(index for index, _ in layers.values()) + 1
    project_package = settings.SETTINGS_MODULE.split(".")[0]
    units = []
    project_roots = [Path(d).resolve() for d in settings.TEMPLATES[0].get("DIRS", [])]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if not path.is_relative_to(BASE_DIR) or ".venv" in path.parts:
            continue  # Django's and third-party apps keep their own catalogues
        if config.name == project_package:
            project_roots.append(path)  # the project package: its catalogue is the project's
            continue
        # an app the contract does not name yet sits right of every named one, on its own
        index, independent = layer_of(config.name, layers) or (right, True)
        units.append(Unit(config.label, [path], path / "locale", index, independent))
    locale_dir = Path(settings.LOCALE_PATHS[0]).resolve()
    units.append(Unit(PROJECT, project_roots, locale_dir, right + 1, True, layers))
    return units


def third_party_msgids():
    """The msgids that an installed app outside the project translates into zh-hans itself.

    INSTALLED_APPS lists those apps (admin, auth, rest_framework, django_filters, ...) before the
    project's, and of app catalogues the earlier one wins: only the project's catalogue
    (LOCALE_PATHS) takes precedence over them, so our translation of such a msgid lives there."""
    import gettext

    from django.apps import apps

    msgids = set()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(BASE_DIR) and ".venv" not in path.parts:
            continue
        catalogue = gettext.translation("django", path / "locale", [LANGUAGE], fallback=True)
        for msgid in getattr(catalogue, "_catalog", {}):
            msgids.add(msgid[0] if isinstance(msgid, tuple) else msgid)
    return msgids


def extract(units):
    """Each unit's msgids: {unit label: polib.POFile}, from Django's makemessages machinery."""
    import polib
    from django.core.management.commands import makemessages

    app_roots = {root for unit in units if unit.label != PROJECT for root in unit.roots}
    work = Path(tempfile.mkdtemp(prefix="messages-"))
    pot_dirs = {unit.label: work / unit.label for unit in units}
    for directory in pot_dirs.values():
        directory.mkdir()

    class Command(makemessages.Command):
        def find_files(self, root):
            files = []
            for unit in units:
                for unit_root in unit.roots:
                    for dirpath, dirnames, filenames in os.walk(unit_root):
                        dirnames[:] = sorted(
                            d
                            for d in dirnames
                            if d not in SKIP_DIRS
                            and not d.startswith(".")
                            and Path(dirpath, d).resolve() not in app_roots - {unit_root}
                        )
                        relative = "./" + os.path.relpath(dirpath, BASE_DIR)
                        for filename in sorted(filenames):
                            if os.path.splitext(filename)[1] in self.extensions:
                                pot_dir = str(pot_dirs[unit.label])
                                files.append(self.translatable_file_class(relative, filename, pot_dir))
            return sorted(files)

        def build_potfiles(self):
            self.locale_paths = [str(d) for d in pot_dirs.values()]
            for potfile in super().build_potfiles():
                label = Path(potfile).parent.name
                next(unit for unit in units if unit.label == label).pot = polib.pofile(potfile)
            return []  # no .po is merged by makemessages

    cwd = os.getcwd()
    os.chdir(BASE_DIR)
    try:
        Command().run_from_argv(["manage.py", "makemessages", "-l", LANGUAGE, "-v", "0"])
    finally:
        os.chdir(cwd)
        for directory in pot_dirs.values():
            for leftover in directory.iterdir():
                leftover.unlink()
            directory.rmdir()
        work.rmdir()
    for unit in units:
        if unit.pot is None:
            unit.pot = polib.POFile()


def key(entry):
    return (entry.msgctxt, entry.msgid)


def owner(users, project):
    """The unit whose catalogue holds a msgid; `users` are (unit, layer, independent) of each use.

    The leftmost use decides; where the leftmost uses are in several units of one layer, the
    first in INSTALLED_APPS takes it if they may import each other, else the project does."""
    leftmost = min(layer for _, layer, _ in users)
    first = [(unit, independent) for unit, layer, independent in users if layer == leftmost]
    units = list(dict.fromkeys(unit for unit, _ in first))
    if len(units) > 1 and any(independent for _, independent in first):
        return project
    return units[0]


def translations(paths):
    """{(msgctxt, msgid): entry} of every translated, non-fuzzy, non-obsolete entry in `paths`."""
    import polib

    found, conflicts = {}, []
    for path in paths:
        if not Path(path).exists():
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.fuzzy or not entry.translated():
                continue
            previous = found.get(key(entry))
            if previous is not None and (previous.msgstr, previous.msgstr_plural) != (
                entry.msgstr,
                entry.msgstr_plural,
            ):
                conflicts.append((key(entry), path))
                continue
            found.setdefault(key(entry), entry)
    return found, conflicts


def plan(units, extra_sources=()):
    """{unit label: [entries]} and what was dropped, without writing anything."""
    import polib

    by_label = {unit.label: unit for unit in units}
    # catalogues left to right: where two disagree, the left one's translation is kept (and reported)
    sources = [unit.po_path for unit in units] + [Path(p) for p in extra_sources]
    known, conflicts = translations(sources)

    users, merged = {}, {}
    for unit in units:  # INSTALLED_APPS order, the project last
        for entry in unit.pot:
            users.setdefault(key(entry), []).extend(
                (unit, *unit.layer_at(path)) for path, _ in entry.occurrences
            )
            if key(entry) in merged:
                base = merged[key(entry)]
                base.occurrences += [o for o in entry.occurrences if o not in base.occurrences]
                base.flags += [f for f in entry.flags if f not in base.flags]
                if entry.comment and entry.comment not in base.comment:
                    base.comment = "\n".join(filter(None, [base.comment, entry.comment]))
            else:
                merged[key(entry)] = polib.POEntry(
                    msgctxt=entry.msgctxt,
                    msgid=entry.msgid,
                    msgid_plural=entry.msgid_plural,
                    occurrences=list(entry.occurrences),
                    flags=[f for f in entry.flags if f != "fuzzy"],
                    comment=entry.comment,
                )

    shadowed = third_party_msgids()
    catalogues = {unit.label: [] for unit in units}
    untranslated = []
    for k, entry in merged.items():
        gettext_key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if gettext_key in shadowed:
            label = PROJECT
            if OVERRIDES not in entry.comment:
                entry.comment = "\n".join(filter(None, [entry.comment, OVERRIDES]))
        else:
            label = owner(users[k], by_label[PROJECT]).label
        old = known.get(k)
        if old is not None:
            if entry.msgid_plural:
                entry.msgstr_plural = dict(old.msgstr_plural) or {0: old.msgstr}
            else:
                entry.msgstr = old.msgstr or old.msgstr_plural.get(0, "")
        else:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: ""}
            untranslated.append((label, k))
        catalogues[label].append(entry)
    dropped = sorted((k for k in known if k not in merged), key=lambda k: (k[0] or "", k[1]))
    return catalogues, by_label, dropped, untranslated, conflicts


def render(unit, entries):
    import polib

    po = polib.POFile(wrapwidth=79)
    if unit.label == PROJECT:
        whose = "the project (the portal package's own modules and templates/)"
    else:
        whose = f"the {unit.label} app"
    po.header = (
        f"Chinese (zh-hans) translations of {whose}.\n"
        "Written by scripts/messages.py (`make messages`), which places every msgid in exactly one\n"
        "catalogue: translate the empty msgstr lines, change nothing else by hand."
    )
    po.metadata = dict(HEADER)
    for entry in entries:
        po.append(entry)
    return str(po)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a catalogue is wrong")
    parser.add_argument("--from", dest="extra", action="append", default=[], help="a .po to take msgstrs from")
    args = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()

    units = discover_units()
    extract(units)
    catalogues, by_label, dropped, untranslated, conflicts = plan(units, args.extra)

    import polib

    problems = []
    for label, entries in catalogues.items():
        path = by_label[label].po_path
        want = {key(e): (e.msgstr, e.msgstr_plural) for e in entries}
        have = {}
        if path.exists():
            have = {
                key(e): (e.msgstr, e.msgstr_plural)
                for e in polib.pofile(str(path))
                if not e.obsolete and not e.fuzzy
            }
        if want != have:
            missing = sorted(set(want) - set(have), key=str)
            extra = sorted(set(have) - set(want), key=str)
            name = path.relative_to(BASE_DIR)
            problems.append(f"{name}: {len(missing)} msgids to add, {len(extra)} to remove")
            for k in missing[:10]:
                problems.append(f"    + {k[1]!r}")
            for k in extra[:10]:
                problems.append(f"    - {k[1]!r}")
        if args.check:
            continue
        if entries:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(by_label[label], entries), encoding="utf-8")
        elif path.exists():
            path.unlink()
            path.with_suffix(".mo").unlink(missing_ok=True)

    for label, k in untranslated:
        problems.append(f"untranslated in {label}: {k[1]!r}")
    for k, path in conflicts:
        problems.append(f"a second translation of {k[1]!r} in {path} was not taken")
    for k in dropped:
        print(f"dropped (no code uses it): {k[1]!r}")
    for line in problems:
        print(line)
    if args.check and problems:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
