#!/bin/sh
# Makes public/fonts/DejaVuSans*-subset.ttf, the fonts of the application PDF
# (src/components/application/application-pdf.ts): DejaVu Sans from Debian's fonts-dejavu-core
# (2.37), cut to Latin, Latin-1, Latin Extended-A, the whole Cyrillic block (Kazakh ә ғ қ ң ө ұ ү
# һ і included), punctuation, № and ₸ — 50 KB each instead of 750 KB, so precaching them for
# offline use costs little. Needs `apt-get install fonts-dejavu-core fonttools`. The license
# (Bitstream Vera terms, DejaVu changes public domain) is public/fonts/DejaVu-LICENSE.txt; the
# subset keeps the name "DejaVu Sans", which those terms allow (no "Bitstream" or "Vera").
set -eu
cd "$(dirname "$0")/.."
UNICODES='U+0020-007E,U+00A0-017F,U+0400-04FF,U+2010-2027,U+2030-203A,U+2116,U+20B8,U+2212'
for face in DejaVuSans DejaVuSans-Bold; do
  pyftsubset "/usr/share/fonts/truetype/dejavu/$face.ttf" --unicodes="$UNICODES" \
    --no-hinting --layout-features='kern,liga' --output-file="public/fonts/$face-subset.ttf"
done
cp /usr/share/doc/fonts-dejavu-core/copyright public/fonts/DejaVu-LICENSE.txt
