#!/usr/bin/env bash
# Development time only: refresh the browser assets from the npm registry into
# src/ungpho/web/static/vendor/ (committed, so the system runs offline and needs no npm).
set -euo pipefail
LEAFLET=1.9.4
HTMX=2.0.11
dest="$(cd "$(dirname "$0")/.." && pwd)/src/ungpho/web/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "leaflet@$LEAFLET" "htmx.org@$HTMX" >/dev/null
rm -rf "$dest/leaflet" "$dest/htmx"
mkdir -p "$dest/leaflet" "$dest/htmx"
tar xzf "leaflet-$LEAFLET.tgz"
cp package/dist/leaflet.js package/dist/leaflet.css package/LICENSE "$dest/leaflet/"
cp -r package/dist/images "$dest/leaflet/"
rm -rf package
tar xzf "htmx.org-$HTMX.tgz"
cp package/dist/htmx.min.js package/LICENSE "$dest/htmx/"
printf 'leaflet %s, htmx.org %s from the npm registry\n' "$LEAFLET" "$HTMX" > "$dest/VERSIONS"
