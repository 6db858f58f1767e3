#!/bin/sh
# A corpus book typeset by pdfLaTeX or XeLaTeX, for `npm run bench:books`:
#
#   sh scripts/books/latex.sh <structure.json> <out.pdf> <pdflatex|xelatex> [to-latex options]
#
# scripts/books/to-latex.ts writes the document (options there: encoding, table of contents,
# running heads, two columns, footnotes, font); the engine runs twice so the table of contents
# and the running heads are filled in. Fonts are embedded, as TeX always does.
set -eu
src="$1"
out="$2"
engine="$3"
shift 3
here="$(cd "$(dirname "$0")" && pwd)"
dir="$(dirname "$out")"
node --import tsx "$here/to-latex.ts" "$src" "$dir/book.tex" --engine="$engine" "$@"
cd "$dir"
for pass in 1 2; do
  "$engine" -interaction=batchmode -halt-on-error book.tex > /dev/null 2>&1 || { tail -n 30 book.log >&2; exit 1; }
done
rm -f book.aux book.toc book.log
