#!/usr/bin/env bash
# Regenerates the README pictures from the data `npm start` uploaded (.local/data/s3):
# the weekly, monthly, category-scoped and supplier reports, each as
#   <report>-workbook.png   the workbook's first page (Summary) via LibreOffice → PDF → PNG
#   <report>-email-420.png  the email at phone width (headless Chromium)
#   <report>-email-1200.png the email at desktop width
# Usage: docs/images/render.sh [out-dir] [report-id]   (default docs/images, every report;
#        run `npm start` first). The category report is rendered for one category (pets).
# Needs: apt-get install -y libreoffice-calc poppler-utils chromium fonts-noto-cjk
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-docs/images}
ONLY=${2:-}
WORK=$(mktemp -d)
BUCKET=.local/data/s3/plan-monitor-uploads
[ -d "$BUCKET" ] || { echo "no $BUCKET: run npm start first" >&2; exit 1; }

# The uploads as files (s3rver keeps each object as <name>._S3rver_object): accepted ones are
# under processed/, any still waiting under incoming/; rejected ones are left out.
for kind in actuals targets milestones; do
  mkdir -p "$WORK/uploads/$kind"
  for f in "$BUCKET/processed/$kind"/*._S3rver_object "$BUCKET/incoming/$kind"/*._S3rver_object; do
    [ -e "$f" ] || continue
    name=$(basename "$f" ._S3rver_object)
    case "$name" in *bad*) continue ;; esac
    cp "$f" "$WORK/uploads/$kind/$name"
  done
done

shot() { # html width png
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" \
    --window-size="$2,2400" --screenshot="$3" "file://$1" >/dev/null 2>&1
}

mkdir -p "$OUT"
for spec in weekly-progress:2026-11-29: monthly-business-review:2026-11-30: category-weekly:2026-11-29:category=pets supplier-scorecard:2026-11-30:; do
  IFS=: read -r id asof scope <<<"$spec"
  [ -z "$ONLY" ] || [ "$ONLY" = "$id" ] || continue
  dir="$WORK/$id"
  npx plan-monitor report "$id" --as-of "$asof" ${scope:+--scope "$scope"} --from-files "$WORK/uploads" --out "$dir" >/dev/null
  # A scoped report writes one workbook and mail per scope: show the first scope's.
  xlsx=$( (ls "$dir"/*=*.xlsx 2>/dev/null || ls "$dir"/*.xlsx) | head -1)
  eml=$( (ls "$dir"/*=*.eml 2>/dev/null || ls "$dir"/*.eml) | head -1)
  soffice "-env:UserInstallation=file://$WORK/lo" --headless --convert-to pdf --outdir "$dir" "$xlsx" >/dev/null
  pdftoppm -png -r 60 -f 1 -l 1 "${xlsx%.xlsx}.pdf" "$dir/page"
  cp "$(ls "$dir"/page*.png | head -1)" "$OUT/$id-workbook.png"
  npx tsx scripts/eml-to-html.ts "$eml" "$dir/mail" >/dev/null
  shot "$dir/mail/index.html" 420 "$OUT/$id-email-420.png"
  shot "$dir/mail/index.html" 1200 "$OUT/$id-email-1200.png"
  echo "$id: $OUT/$id-workbook.png, $OUT/$id-email-420.png, $OUT/$id-email-1200.png"
done
echo "work files (workbooks, PDFs, mails): $WORK"
