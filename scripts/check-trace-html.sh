#!/usr/bin/env bash
# Renders a `l2pd decode --trace-html` page in headless Chromium (Debian's package, installed if
# missing) and checks that the page loads with its canvas, cut marker and step table, and that a
# screenshot is produced. Usage: scripts/check-trace-html.sh [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/trace-html}"
mkdir -p "$out"
if ! command -v chromium >/dev/null; then
  echo "installing Debian's chromium..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
dotnet build src/Learn2PD.Cli -c Release -nologo -v q >/dev/null
l2pd() { dotnet src/Learn2PD.Cli/bin/Release/net10.0/l2pd.dll "$@"; }
l2pd decode --prompt "Mia has 3 apples. She buys 2 more. How many apples does she have now?" \
  --policy filter --eotp --gen-length 256 --trace-html "$out/trace.html"
profile=$(mktemp -d)
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$profile")
chromium "${flags[@]}" --dump-dom "file://$PWD/$out/trace.html" 2>/dev/null > "$out/dom.html"
chromium "${flags[@]}" --window-size=1200,900 --screenshot="$PWD/$out/trace.png" "file://$PWD/$out/trace.html" 2>/dev/null
rm -rf "$profile"
fail=0
for needle in 'class="canvas"' 'class="tok' '<table>' 'end of text'; do
  grep -q "$needle" "$out/dom.html" || { echo "rendered page lacks $needle"; fail=1; }
done
[ -s "$out/trace.png" ] || { echo "no screenshot"; fail=1; }
[ "$fail" -eq 0 ] && echo "trace page renders in headless Chromium: $out/trace.html, screenshot $out/trace.png"
exit "$fail"
