"""Scripts for the series' authors and teachers: `python -m tools.links`, run_notebooks.py."""
