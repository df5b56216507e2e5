#!/usr/bin/env bash
# Copies the front-end libraries installed from the npm registry into static/vendor, where the
# portal serves them itself (no page loads anything from the internet).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf static/vendor
mkdir -p static/vendor/bootstrap static/vendor/bootstrap-icons static/vendor/htmx static/vendor/echarts
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts static/vendor/bootstrap-icons/
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
