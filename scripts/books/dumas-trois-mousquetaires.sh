#!/bin/sh
# A real book PDF for `npm run bench:book`: Dumas, Les Trois Mousquetaires (plain text from the
# shared corpus), typeset with groff -ms on a small book page (4.2 in measure, 8 in page, 12/15 pt),
# fonts embedded (-P-e) as in real books. Verified: 934 pages (groff 1.22.4).
#
#   sh scripts/books/dumas-trois-mousquetaires.sh <source.txt> <out.pdf>
#
# scripts/books/index.ts runs this file and caches the result keyed by this file's text, the
# source's sha256 and the groff version, so edit the recipe here and the cache follows.
set -eu
src="$1"
out="$2"
ms="${out%.pdf}.ms"
(printf '.nr PS 12\n.nr VS 15\n.nr LL 4.2i\n.nr HM 0.8i\n.nr FM 0.8i\n.pl 8i\n.LP\n'; sed -e 's/\r$//' -e 's/^\./\\\&./' -e 's/^[[:space:]]*$/.PP/' "$src") > "$ms"
groff -Kutf8 -ms -Tpdf -P-e "$ms" > "$out"
