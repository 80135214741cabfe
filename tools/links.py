"""The series' Binder and nbgitpuller links, built from its one address.

The address is `[project.urls] Repository` in pyproject.toml; tests/test_environment.py
checks that every such link in the README and docs/ is built from it. From the
repository's folder, `python -m tools.links --hub hub.example.edu` prints them.
"""

import argparse
import pathlib
import sys
import urllib.parse

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: JupyterLab brings tomli
    import tomli as tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIRST_NOTEBOOK = "notebooks/00-start-here.ipynb"
BRANCH = "main"
BADGE = "https://mybinder.org/badge_logo.svg"


def repository(pyproject=ROOT / "pyproject.toml"):
    """The repository's address: `[project.urls] Repository` in pyproject.toml."""
    with open(pyproject, "rb") as file:
        return tomllib.load(file)["project"]["urls"]["Repository"]


def binder_link(notebook=FIRST_NOTEBOOK, repo=None):
    """https://mybinder.org/v2/gh/OWNER/NAME/HEAD?urlpath=lab/tree/NOTEBOOK (gl/… or git/… off GitHub)."""
    repo = repo or repository()
    address = urllib.parse.urlsplit(repo)
    path = address.path.strip("/").removesuffix(".git")
    if address.netloc == "github.com":
        spec = f"gh/{path}"
    elif address.netloc == "gitlab.com":
        spec = "gl/" + urllib.parse.quote(path, safe="")
    else:
        spec = "git/" + urllib.parse.quote(repo, safe="")
    return f"https://mybinder.org/v2/{spec}/HEAD?urlpath=lab/tree/{notebook}"


def nbgitpuller_link(hub="HUB", notebook=FIRST_NOTEBOOK, repo=None, branch=BRANCH):
    """https://HUB/hub/user-redirect/git-pull?repo=REPO&branch=BRANCH&urlpath=lab/tree/NAME/NOTEBOOK."""
    repo = repo or repository()
    folder = urllib.parse.urlsplit(repo).path.strip("/").removesuffix(".git").rsplit("/", 1)[-1]
    hub = hub.rstrip("/") if "://" in hub else "https://" + hub.rstrip("/")
    return (f"{hub}/hub/user-redirect/git-pull?repo={repo}&branch={branch}"
            f"&urlpath=lab/tree/{folder}/{notebook}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.links", description=__doc__.split("\n")[0])
    parser.add_argument("--hub", default="HUB", help="your JupyterHub's address, e.g. hub.example.edu")
    parser.add_argument("--notebook", default=FIRST_NOTEBOOK, help="the notebook the links open")
    args = parser.parse_args(argv)
    if not (ROOT / args.notebook).is_file():
        parser.error(f"--notebook: {args.notebook} is not a file of the repository "
                     f"(expected a path such as {FIRST_NOTEBOOK})")
    binder = binder_link(args.notebook)
    print(f"Repository:   {repository()}")
    print(f"Binder:       {binder}")
    print(f"Binder badge: [![Launch on Binder]({BADGE})]({binder})")
    print(f"nbgitpuller:  {nbgitpuller_link(args.hub, args.notebook)}")


if __name__ == "__main__":
    sys.exit(main())
