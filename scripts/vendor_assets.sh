#!/usr/bin/env bash
# Development time only: refresh the browser assets from the npm registry into
# src/ungpho/web/static/vendor/ (committed, so the system runs offline and needs no npm).
set -euo pipefail
LEAFLET=1.9.4
HTMX=2.0.11
# Be Vietnam Pro: drawn for Vietnamese (every stacked accent); woff2 of the vietnamese,
# latin-ext and latin subsets, each loaded only when a page uses its characters.
FONT=5.3.0
dest="$(cd "$(dirname "$0")/.." && pwd)/src/ungpho/web/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "leaflet@$LEAFLET" "htmx.org@$HTMX" "@fontsource/be-vietnam-pro@$FONT" >/dev/null
rm -rf "$dest/leaflet" "$dest/htmx" "$dest/be-vietnam-pro"
mkdir -p "$dest/leaflet" "$dest/htmx" "$dest/be-vietnam-pro/files"
tar xzf "leaflet-$LEAFLET.tgz"
cp package/dist/leaflet.js package/dist/leaflet.css package/LICENSE "$dest/leaflet/"
cp -r package/dist/images "$dest/leaflet/"
rm -rf package
tar xzf "htmx.org-$HTMX.tgz"
cp package/dist/htmx.min.js package/LICENSE "$dest/htmx/"
rm -rf package
tar xzf "fontsource-be-vietnam-pro-$FONT.tgz"
cp package/LICENSE "$dest/be-vietnam-pro/"
for weight in 400 600 700; do
  cp package/files/be-vietnam-pro-{vietnamese,latin-ext,latin}-$weight-normal.woff2 \
    "$dest/be-vietnam-pro/files/"
  # woff2 only: every browser the system supports reads it.
  sed -e "s|, url(./files/[^)]*\.woff) format('woff')||" "package/$weight.css"
done > "$dest/be-vietnam-pro/fonts.css"
printf 'leaflet %s, htmx.org %s, @fontsource/be-vietnam-pro %s from the npm registry\n' \
  "$LEAFLET" "$HTMX" "$FONT" > "$dest/VERSIONS"
