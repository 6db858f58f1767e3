#!/bin/sh
# A corpus book printed by Chromium, for `npm run bench:books`:
#
#   sh scripts/books/chromium.sh <structure.json> <out.pdf> header|plain
#
# "header": Chromium's own header and footer on every page (the date, the page title, the file's
# URL, "n/N"), as a reader who prints a web page gets them; "plain": --no-pdf-header-footer.
set -eu
src="$1"
out="$2"
mode="$3"
here="$(cd "$(dirname "$0")" && pwd)"
dir="$(cd "$(dirname "$out")" && pwd)"
node --import tsx "$here/to-html.ts" "$src" "$dir/book.html"
flag=""
[ "$mode" = "plain" ] && flag="--no-pdf-header-footer"
chromium --headless --disable-gpu --no-sandbox $flag --print-to-pdf="$dir/book.pdf" "file://$dir/book.html" > /dev/null 2>&1
rm -f "$dir/book.html"
