#!/bin/sh
# A scanned book for `npm run bench:books`: an excerpt of a corpus novel typeset by pdfLaTeX (T1,
# running heads), every page printed to a grey image by Poppler's pdftoppm, then "scanned":
# turned by a fraction of a degree, speckled, saved as JPEG and put back into a PDF of images
# only, with no text layer (scripts/books/to-scan.ts). Folio has to read it by OCR.
#
#   sh scripts/books/scan.sh <structure.json> <out.pdf> <dpi> [to-latex options, e.g. --paragraphs=240]
set -eu
src="$1"
out="$2"
dpi="$3"
shift 3
here="$(cd "$(dirname "$0")" && pwd)"
dir="$(dirname "$out")"
node --import tsx "$here/to-latex.ts" "$src" "$dir/book.tex" --engine=pdflatex --encoding=T1 --heads "$@"
(
  cd "$dir"
  for pass in 1 2; do
    pdflatex -interaction=batchmode -halt-on-error book.tex > /dev/null 2>&1 || { tail -n 30 book.log >&2; exit 1; }
  done
  mv book.pdf typeset.pdf
  pdftoppm -r "$dpi" -gray -png typeset.pdf page
)
node --import tsx "$here/to-scan.ts" "$dir/typeset.pdf" "$out" "$dpi" "$dir"/page-*.png
rm -f "$dir"/book.aux "$dir"/book.toc "$dir"/book.log "$dir"/book.tex "$dir"/page-*.png "$dir"/typeset.pdf
