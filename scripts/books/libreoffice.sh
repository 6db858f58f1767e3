#!/bin/sh
# A corpus book typeset by LibreOffice Writer, for `npm run bench:books`:
#
#   sh scripts/books/libreoffice.sh <structure.json> <out.pdf>
#
# scripts/books/to-fodt.ts writes a flat OpenDocument text (justified, running header and
# page-number footer, automatic hyphenation asked for in the book's language); soffice converts
# it to PDF. Needs Debian's libreoffice-writer-nogui, hyphen-fr / hyphen-en-us and
# fonts-linuxlibertine. The hyphenation takes effect (LibreOffice 7.4, Debian 12: 2,226 line-end
# hyphens in the Flaubert; `pdftotext -layout` shows them, plain pdftotext joins them back).
set -eu
src="$1"
out="$2"
here="$(cd "$(dirname "$0")" && pwd)"
dir="$(cd "$(dirname "$out")" && pwd)"
node --import tsx "$here/to-fodt.ts" "$src" "$dir/book.fodt"
# Its own profile directory: a user's running LibreOffice (or a parallel build) is not touched.
HOME="$dir" soffice --headless -env:UserInstallation="file://$dir/profile" --convert-to pdf --outdir "$dir" "$dir/book.fodt" > /dev/null 2>&1
rm -rf "$dir/book.fodt" "$dir/profile"
[ -s "$dir/book.pdf" ]
