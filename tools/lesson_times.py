"""How long each notebook takes in class: reading its main path (markdown outside the optional
<details> boxes) at 200 words a minute, a live demonstration, and its exercises; and the
sessions of the teaching guide, which add these up.

    python -m tools.lesson_times              # a table, one notebook a row
    python -m tools.lesson_times --markdown   # the session plan as docs/teaching.md shows it
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


#: Minutes for a live demonstration (run the cells, ask the questions, move the sliders), per
#: exercise done in class, and per exercise where the learner writes code (set as homework).
DEMO_MINUTES, DASHBOARD_DEMO_MINUTES, EXERCISE_MINUTES, CODING_MINUTES = 5, 10, 5, 10
#: The guide's sessions of at most 90 minutes: (session, notebooks).
SESSIONS = [("1", ["00", "01"]), ("2", ["02", "03"]), ("3", ["04", "05"]), ("4", ["06", "07"]),
            ("5", ["08", "09"]), ("6", ["10", "11"])]
SESSION_MINUTES = 90


def coding_exercises(path):
    """Exercise cells in which the learner writes a function."""
    cells = json.loads(pathlib.Path(path).read_text())["cells"]
    return sum(bool(re.search(r"selfcheck\.nb\d\d\.check_", "".join(c["source"])))
               and "def " in "".join(c["source"]) for c in cells if c["cell_type"] == "code")


def plan():
    """One row per notebook: (session, number, title, reading, demo, exercises in class,
    homework, total in class) minutes."""
    rows = []
    for session, numbers in SESSIONS:
        for number in numbers:
            path = next((ROOT / "notebooks").glob(f"{number}-*.ipynb"))
            cells = json.loads(path.read_text())["cells"]
            title = "".join(cells[0]["source"]).splitlines()[0].split("—", 1)[1].split(":")[0].strip()
            dashboard = any("_dashboard(" in "".join(c["source"]) for c in cells)
            demo = DASHBOARD_DEMO_MINUTES if dashboard else DEMO_MINUTES
            coding = coding_exercises(path)
            work = EXERCISE_MINUTES * (exercises(path) - coding)
            reading = reading_minutes(path)
            rows.append((session, number, title, reading, demo, work, CODING_MINUTES * coding,
                         reading + demo + work))
    return rows


def markdown():
    """The session plan as a markdown table, with each session's total."""
    lines = ["| session | notebook | reading | live demo | exercises | in class | homework |",
             "|---|---|---|---|---|---|---|"]
    totals = {}
    for session, number, title, reading, demo, work, homework, total in plan():
        totals[session] = totals.get(session, 0) + total
        lines.append(f"| {session} | {number} {title} | {reading} | {demo} | {work} | {total} "
                     f"| {homework} |")
    lines.append("")
    lines.append("Sessions: " + ", ".join(f"{s}: {m} min" for s, m in totals.items())
                 + f" (each at most {SESSION_MINUTES}); {sum(totals.values())} min in all.")
    return "\n".join(lines)


def table():
    rows = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        rows.append((path.name[:2], main_path_words(path), reading_minutes(path), exercises(path)))
    return rows


if __name__ == "__main__":
    import sys

    if "--markdown" in sys.argv:
        print(markdown())
    else:
        print(" #   words  reading (min)  exercises")
        for number, words, minutes, count in table():
            print(f"{number}  {words:6d}  {minutes:13d}  {count:9d}")
