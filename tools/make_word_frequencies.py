"""Write ``bot/engine/data/ja_word_frequency.tsv.gz``: how common each Japanese word is in general.

The matcher weighs a word the FAQ never uses by how rare it is in Japanese at large (財布 is
common and says little; 住民表 is not a word and is corrected). The numbers come from
wordfreq's Japanese list (Robyn Speer, data CC BY-SA 4.0; see NOTICE in the README), cut to the
words at least as common as Zipf 2.0 so the package stays small. Rebuild with::

    pip install wordfreq==3.1.1 && python tools/make_word_frequencies.py
"""

from __future__ import annotations

import gzip
import math
import sys
from pathlib import Path

from wordfreq import get_frequency_dict

MIN_ZIPF = 2.0
TARGET = Path(__file__).resolve().parents[1] / "bot" / "engine" / "data" / "ja_word_frequency.tsv.gz"


def main() -> int:
    frequencies = get_frequency_dict("ja", wordlist="best")
    rows = sorted(
        ((word, round(math.log10(f * 1e9), 1)) for word, f in frequencies.items() if math.log10(f * 1e9) >= MIN_ZIPF),
        key=lambda row: (-row[1], row[0]),
    )
    body = "# word<TAB>zipf (log10 of uses per billion words), from wordfreq 3.1.1 'ja', CC BY-SA 4.0\n"
    body += "".join(f"{word}\t{zipf}\n" for word, zipf in rows if "\t" not in word and "\n" not in word)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(TARGET, "wb", mtime=0) as handle:
        handle.write(body.encode("utf-8"))
    print(f"{TARGET.name}: {len(rows)} words, {TARGET.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
