#!/usr/bin/env bash
# Build step: install the pinned front-end packages from npm (package-lock.json) and copy the
# files the pages use into src/aftersales/web/static/vendor/. Pages never load from a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error >/dev/null
D=src/aftersales/web/static/vendor
rm -rf "$D"
install -D node_modules/bootstrap/dist/css/bootstrap.min.css "$D/bootstrap/bootstrap.min.css"
install -D node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$D/bootstrap/bootstrap.bundle.min.js"
install -D node_modules/bootstrap/LICENSE "$D/bootstrap/LICENSE"
install -D node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$D/bootstrap-icons/bootstrap-icons.min.css"
install -D node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 "$D/bootstrap-icons/fonts/bootstrap-icons.woff2"
install -D node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff "$D/bootstrap-icons/fonts/bootstrap-icons.woff"
install -D node_modules/signature_pad/dist/signature_pad.umd.min.js "$D/signature_pad/signature_pad.umd.min.js"
install -D node_modules/signature_pad/LICENSE "$D/signature_pad/LICENSE"
install -D node_modules/echarts/dist/echarts.min.js "$D/echarts/echarts.min.js"
install -D node_modules/echarts/LICENSE "$D/echarts/LICENSE"
echo "vendored front-end packages into $D"
