#!/usr/bin/env bash
# Extracts the Fandol fonts (FangSong, Song, Kai, Hei; GPL with font exception) from Debian's
# texlive-lang-chinese into var/fonts, without installing texlive. Never committed.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-var/fonts}
ls "$dest"/FandolFang-Regular.otf >/dev/null 2>&1 && exit 0
tmp=$(mktemp -d)
(cd "$tmp" && { apt-get download texlive-lang-chinese >/dev/null 2>&1 || { apt-get update -qq && apt-get download texlive-lang-chinese; }; })
dpkg -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
mkdir -p "$dest"
cp "$tmp"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol{Fang,Song,Kai,Hei}-*.otf "$dest"/
rm -rf "$tmp"
