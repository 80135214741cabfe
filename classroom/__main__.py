"""`python -m classroom student OUT_DIR [NOTEBOOK …]` writes student copies of the series;
`python -m classroom grade NOTEBOOK …` autogrades filled-in copies and prints their points."""

import argparse
import sys

import classroom


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m classroom", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    student = commands.add_parser("student", help="write the student copies (answers blank, "
                                  "solutions withheld, checks locked) into OUT_DIR")
    student.add_argument("out_dir", metavar="OUT_DIR")
    student.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                         help="notebooks of the series (default: all of notebooks/)")
    grade = commands.add_parser("grade", help="autograde filled-in student copies: points per "
                                "exercise, with the self-check's message for a lost point")
    grade.add_argument("submissions", nargs="+", metavar="NOTEBOOK")
    grade.add_argument("--timeout", type=int, default=600,
                       help="seconds a cell may run (default 600)")
    args = parser.parse_args(argv)

    if args.command == "student":
        for path in classroom.make_student_copies(args.out_dir, args.notebooks or None):
            print(path)
    else:
        grades = classroom.grade(args.submissions, timeout=args.timeout)
        for path, results in grades.items():
            print(f"{path}\n{classroom.table(results)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
