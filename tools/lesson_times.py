"""How long each notebook takes to read: the words of its main path (markdown outside the
optional <details> boxes), at 200 words a minute, and its exercises.

    python -m tools.lesson_times        # a table, one notebook a row
"""

import json
import math
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 200


def main_path_words(path):
    """Words of prose a reader meets on the notebook's main path (optional boxes left out)."""
    cells = json.loads(pathlib.Path(path).read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    text = re.sub(r"<details>.*?</details>", " ", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$", " x ", text, flags=re.S)  # a formula reads as a word
    return len(re.findall(r"[A-Za-z0-9][\w'’-]*", text))


def exercises(path):
    """The number of exercises: code cells that call a self-check."""
    cells = json.loads(pathlib.Path(path).read_text())["cells"]
    return sum(bool(re.search(r"selfcheck\.nb\d\d\.check_", "".join(c["source"])))
               for c in cells if c["cell_type"] == "code")


def reading_minutes(path):
    return math.ceil(main_path_words(path) / WORDS_PER_MINUTE)


def table():
    rows = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        rows.append((path.name[:2], main_path_words(path), reading_minutes(path), exercises(path)))
    return rows


if __name__ == "__main__":
    print(" #   words  reading (min)  exercises")
    for number, words, minutes, count in table():
        print(f"{number}  {words:6d}  {minutes:13d}  {count:9d}")
