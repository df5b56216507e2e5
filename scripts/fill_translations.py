"""Fill empty msgstr of a catalogue from a JSON {msgid: msgstr} map (after `make messages`).

Usage: .venv/bin/python scripts/fill_translations.py <app>/locale/zh_Hans/LC_MESSAGES/django.po map.json
"""
import polib, sys, json

po = polib.pofile(sys.argv[1]); m = json.load(open(sys.argv[2]))
n = 0
for e in po:
    if not e.msgstr and e.msgid in m:
        e.msgstr = m[e.msgid]; n += 1
        if 'fuzzy' in e.flags: e.flags.remove('fuzzy')
po.save(); print("filled", n)
