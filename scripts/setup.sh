#!/usr/bin/env bash
# Takes a fresh machine to a ready checkout: Debian packages (WeasyPrint's Pango, Chinese fonts,
# Chromium for the browser tests, gettext), a venv with the pinned Python packages, the front-end
# packages from the npm registry copied into static/vendor, the Fandol fonts extracted from
# Debian's texlive-lang-chinese into var/fonts, and the compiled zh-hans messages.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

need_apt=()
for pkg in libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk gettext poppler-utils chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

# Fandol (FangSong, Song, Kai, Hei) for official documents: taken out of Debian's package, never committed.
bash scripts/fonts.sh var/fonts

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  echo "== installing Python packages"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[test]"
  touch "$stamp"
fi

vstamp=static/vendor/.installed-$(sha1sum package.json | cut -c1-12)
if [ ! -f "$vstamp" ]; then
  echo "== installing front-end packages"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi
  bash scripts/vendor.sh
  touch "$vstamp"
fi

mkdir -p staticfiles var/media
echo "== compiling messages"
.venv/bin/python manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules
echo "== set-up done"
