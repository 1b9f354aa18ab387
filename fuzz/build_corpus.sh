#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's own fixtures and fuzz/seeds/.
# Carrier inputs are framed as the targets read them: byte 0 the status (0 = 200, 5 = 207,
# 7 = 400, 12 = 429, 13 = 500), byte 1 the headers (0 = JSON, 1 = XML content type,
# 88 = JSON + `Retry-After: 1.5`), then the body. Safe to re-run: it only adds files.
set -euo pipefail
cd "$(dirname "$0")"
root=..
corpus=corpus

# seed TARGET STATUS HEADERS FILE...
seed() {
  local target=$1 status=$2 headers=$3
  shift 3
  mkdir -p "$corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] || continue
    local out="$corpus/$target/$(basename "$f").$status.$headers"
    { printf "\\x$(printf %02x "$status")\\x$(printf %02x "$headers")"; cat "$f"; } >"$out"
  done
}

# plain TARGET FILE...: copied as they are.
plain() {
  local target=$1
  shift
  mkdir -p "$corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "$corpus/$target/"
  done
}

for c in ups fedex usps; do
  seed "${c}_rate" 0 0 "$root"/carriers/$c/tests/fixtures/rate*.json "$root"/carriers/$c/tests/fixtures/options*.json \
    "$root"/carriers/$c/tests/fixtures/*rates*.json
  seed "${c}_track" 0 0 "$root"/carriers/$c/tests/fixtures/track*.json
  seed "${c}_track" 5 0 "$root"/carriers/$c/tests/fixtures/track*207*.json
  seed "${c}_token" 0 0 seeds/token/$c.json
  seed "${c}_token" 8 0 seeds/token/error.json
  for t in rate track; do
    seed "${c}_$t" 7 0 seeds/carrier_errors/${c}_error.json
    seed "${c}_$t" 12 88 seeds/carrier_errors/${c}_error.json
    seed "${c}_$t" 13 0 seeds/carrier_errors/${c}_error.json
  done
done
seed usps_rate 0 16 "$root"/carriers/usps/tests/fixtures/*rates*.json
seed ups_rate 0 0 "$root"/plugin-host/tests/fixtures/cli/ups_rate.json
seed ups_rate 7 0 "$root"/plugin-host/tests/fixtures/cli/ups_error.json
seed ups_token 0 0 "$root"/plugin-host/tests/fixtures/cli/ups_token.json
seed ups_rate 0 2 "$root"/plugin-host/tests/fixtures/cli/not_json.html
seed canadapost_rate 0 1 "$root"/carriers/canadapost/tests/fixtures/rates*.xml
seed canadapost_track 0 1 "$root"/carriers/canadapost/tests/fixtures/tracking-detail*.xml
seed canadapost_track 0 33 "$root"/carriers/canadapost/tests/fixtures/tracking-summary*.xml
for t in rate track; do
  seed canadapost_$t 7 1 seeds/carrier_errors/canadapost_error.xml
  seed canadapost_$t 13 1 seeds/carrier_errors/canadapost_error.xml
done

plain postcode_pattern seeds/postcode_pattern/*
plain zone_matching seeds/zone_matching/*
plain plugin_manifest seeds/plugin_manifest/*
plain bigcommerce_import "$root"/core/tests/fixtures/bigcommerce/*.json "$root"/plugin-host/src/cli/demo/store_zones.json \
  "$root"/plugin-host/tests/fixtures/cli/zones.json
# zones + NUL + methods of zone 1, as `rules` reads them.
if [ -f "$root"/core/tests/fixtures/bigcommerce/zones.json ]; then
  { cat "$root"/core/tests/fixtures/bigcommerce/zones.json; printf '\0'; cat "$root"/core/tests/fixtures/bigcommerce/methods_zone_1.json; } \
    >"$corpus/bigcommerce_import/store_zone_1"
fi
# design_json: byte 0 picks the type, from the seed's number.
mkdir -p "$corpus/design_json"
for f in seeds/design_json/*; do
  n=$((10#$(basename "$f" | cut -d- -f1)))
  { printf "\\x$(printf %02x "$n")"; cat "$f"; } >"$corpus/design_json/$(basename "$f")"
done
for f in "$root"/plugin-host/tests/fixtures/cli/checkout.json "$root"/plugin-host/src/cli/demo/checkout.json; do
  [ -f "$f" ] && { printf '\x08'; cat "$f"; } >"$corpus/design_json/checkout-$(basename "$(dirname "$f")").json"
done
for t in "$corpus"/*; do echo "$(basename "$t"): $(ls "$t" | wc -l) seeds"; done
