#!/bin/sh
# A scanned book for `npm run bench:books`: an excerpt of a corpus novel typeset by pdfLaTeX (T1,
# running heads: scripts/books/latex.sh), every page printed to a grey image by Poppler's
# pdftoppm, then "scanned": turned by a fraction of a degree, speckled, saved as JPEG and put back
# into a PDF of images only, with no text layer (scripts/books/to-scan.ts). Folio has to read it by OCR.
#
#   sh scripts/books/scan.sh <structure.json> <out.pdf> <dpi> [to-latex options, e.g. --paragraphs=240]
set -eu
src="$1"
out="$2"
dpi="$3"
shift 3
here="$(cd "$(dirname "$0")" && pwd)"
dir="$(dirname "$out")/typeset"
mkdir -p "$dir"
sh "$here/latex.sh" "$src" "$dir/book.pdf" pdflatex --encoding=T1 --heads "$@"
pdftoppm -r "$dpi" -gray -png "$dir/book.pdf" "$dir/page"
node --import tsx "$here/to-scan.ts" "$dir/book.pdf" "$out" "$dpi" "$dir"/page-*.png
rm -rf "$dir"
