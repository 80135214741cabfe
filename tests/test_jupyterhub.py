"""A class on a real JupyterHub: two students log in, follow the README's nbgitpuller link,
get the series in their homes, run a notebook there, and keep their own edits when the
link pulls an upstream change.

The hub runs on 127.0.0.1 only: JupyterHub with configurable-http-proxy (npm), the
DummyAuthenticator and SimpleLocalProcessSpawner (one home per student under a temporary
folder), and this environment's jupyterhub-singleuser (JupyterLab and nbgitpuller). The
"upstream" is a clone of this repository's committed HEAD. Students act over HTTP, the way
their browser would; where nbgitpuller's page runs a script, the test sends the same request.
Outside CI a missing configurable-http-proxy or git skips with the reason; in CI it fails.
"""

import contextlib
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import unquote, urlencode, urlsplit

import pytest
import requests
import websocket

from tools import links

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The repository's public address, written once in pyproject.toml's [project.urls].
REPOSITORY = links.repository()
LINK = re.compile(r"https://HUB/hub/user-redirect/git-pull\?repo=(\S+?)&branch=main&urlpath=(\S+?\.ipynb)")
STUDENTS = ("alice", "bob")
PASSWORD = "class-of-2026"
NOTEBOOK = "inverse-problems/notebooks/00-start-here.ipynb"
ANSWERS = {"alice": "causes_of_4 = 2", "bob": "causes_of_4 = 2  # y = 2 and y = -2"}
UPSTREAM_LINE = "Erratum for the class: session 2 starts with notebook 03."
START_TIMEOUT = 120  # seconds; a server starts in about 3 s on an idle 2-core machine


def missing_tools():
    for tool, how in (("configurable-http-proxy", "npm install -g configurable-http-proxy"),
                      ("git", "apt-get install git")):
        if shutil.which(tool) is None:
            return f"{tool} is not on PATH ({how})"
    return None


def git(*args, cwd):
    identity = ["-c", "user.name=Instructor", "-c", "user.email=instructor@example.org"]
    return subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True,
                          text=True, timeout=60).stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hub_config(folder, port, hub_port, api_port):
    singleuser = pathlib.Path(sys.executable).with_name("jupyterhub-singleuser")
    settings = {
        "JupyterHub.bind_url": f"http://127.0.0.1:{port}",
        "JupyterHub.hub_bind_url": f"http://127.0.0.1:{hub_port}",
        "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{api_port}",
        "ConfigurableHTTPProxy.command": [shutil.which("configurable-http-proxy")],
        "JupyterHub.db_url": f"sqlite:///{folder / 'jupyterhub.sqlite'}",
        "JupyterHub.cookie_secret_file": str(folder / "jupyterhub_cookie_secret"),
        "JupyterHub.authenticator_class": "dummy",
        "DummyAuthenticator.password": PASSWORD,
        "Authenticator.allowed_users": list(STUDENTS),
        "JupyterHub.spawner_class": "simple",
        "SimpleLocalProcessSpawner.home_dir_template": str(folder / "home" / "{username}"),
        # The servers stay in the hub's process group, so stopping the group stops them.
        "SimpleLocalProcessSpawner.popen_kwargs": {"start_new_session": False},
        "Spawner.cmd": [str(singleuser)],
        "Spawner.ip": "127.0.0.1",
        "Spawner.args": ["--allow-root"],
        "Spawner.default_url": "/lab",
        "Spawner.environment": {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
        "Spawner.start_timeout": START_TIMEOUT,
        "Spawner.http_timeout": START_TIMEOUT,
    }
    lines = [f"c.{key} = {value!r}" for key, value in settings.items()]
    path = folder / "jupyterhub_config.py"
    path.write_text("\n".join(lines) + "\n")
    return path


@contextlib.contextmanager
def jupyterhub(folder):
    """Run JupyterHub (and, through it, the proxy and the students' servers); yield its URL."""
    port, hub_port, api_port = free_port(), free_port(), free_port()
    config = hub_config(folder, port, hub_port, api_port)
    hub_exe = pathlib.Path(sys.executable).with_name("jupyterhub")
    env = {**os.environ, "CONFIGPROXY_AUTH_TOKEN": uuid.uuid4().hex}
    log = open(folder / "jupyterhub.log", "w")
    hub = subprocess.Popen([str(hub_exe), "-f", str(config)], cwd=folder, env=env, stdout=log,
                           stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{base}/hub/api/", timeout=2).ok:
                    break
            if hub.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("JupyterHub did not start:\n" + hub_log(folder))
            time.sleep(0.3)
        yield base
    finally:
        # SIGTERM: the hub stops the students' servers (and they their kernels) and the proxy.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(hub.pid, signal.SIGTERM)
        try:
            hub.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(hub.pid, signal.SIGKILL)  # whatever is left in the group
        hub.wait(timeout=10)
        log.close()


def hub_log(folder):
    return (folder / "jupyterhub.log").read_text()[-4000:]


def readme_link():
    """The nbgitpuller link the README hands to instructors (docs/teaching.md gives the same)."""
    readme = (ROOT / "README.md").read_text()
    found = LINK.search(readme)
    assert found, "README.md has no nbgitpuller link of the expected shape"
    assert found.group(1) == REPOSITORY, found.group(1)
    assert found.group(0) in (ROOT / "docs" / "teaching.md").read_text(), \
        "docs/teaching.md should give the README's nbgitpuller link"
    return found.group(0)


class Student:
    """One student's browser: a cookie session on the hub, and their own API token."""

    def __init__(self, base, name):
        self.base, self.name, self.http = base, name, requests.Session()
        self.server = f"{base}/user/{name}/"
        self.token = None

    def open(self, url):
        """GET a URL as the browser would; while the student's server starts, the hub shows
        its spawn-pending page, which redirects onwards once the server is up."""
        response = self.http.get(url, timeout=60)
        deadline = time.monotonic() + START_TIMEOUT
        while "/hub/spawn-pending/" in response.url:
            assert time.monotonic() < deadline, f"{self.name}'s server did not start"
            time.sleep(0.5)
            response = self.http.get(response.url, timeout=60)
        return response

    def log_in_and_follow(self, link):
        """Click the link, log in on the form the hub shows, then land where the link leads."""
        login = self.http.get(link, timeout=30)
        assert login.ok and urlsplit(login.url).path == "/hub/login", login.url
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', login.text).group(1)
        response = self.http.post(login.url, data={"username": self.name, "password": PASSWORD,
                                                   "_xsrf": xsrf}, allow_redirects=False, timeout=30)
        assert response.status_code == 302, f"{self.name} could not log in: {response.status_code}"
        tokens = self.http.post(f"{self.base}/hub/api/users/{self.name}/tokens",
                                json={"note": "test", "expires_in": 3600}, timeout=30,
                                headers={"X-XSRFToken": self.http.cookies.get("_xsrf", path="/hub/")})
        assert tokens.status_code == 201, tokens.text
        self.token = tokens.json()["token"]
        return self.follow(self.base + response.headers["Location"])

    def follow(self, link):
        """Follow an nbgitpuller link: its page syncs (a script sends the request below), then
        redirects to urlpath; return that last response."""
        page = self.open(link)
        assert page.ok and urlsplit(page.url).path == f"/user/{self.name}/git-pull", page.url
        data = {k: unquote(v) for k, v in re.findall(r'data-([a-z-]+)="([^"]*)"', page.text)}
        params = {"_xsrf": data["xsrf"], "repo": data["repo"], "targetpath": data["targetpath"]}
        params.update({k: data[k] for k in ("depth", "branch", "backup") if k in data})
        events = []
        with self.http.get(f"{self.base}{data['base-url']}git-pull/api?{urlencode(params)}",
                           stream=True, timeout=120) as stream:
            for line in stream.iter_lines(decode_unicode=True):
                if line.startswith("data: "):
                    events.append(json.loads(line[len("data: "):]))
                    if events[-1]["phase"] in ("finished", "error"):
                        break
        assert events and events[-1]["phase"] == "finished", events[-3:]
        return self.open(f"{self.base}{data['base-url']}{data['path']}")

    def api(self, method, path, **kwargs):
        response = self.http.request(method, f"{self.server}api/{path}", timeout=60,
                                     headers={"Authorization": f"token {self.token}"}, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    @contextlib.contextmanager
    def kernel_for(self, path):
        """A kernel for a notebook in this student's home, started by their own server."""
        session = self.api("POST", "sessions", json={"path": path, "type": "notebook",
                                                     "kernel": {"name": "python3"}})
        url = self.server.replace("http://", "ws://") + f"api/kernels/{session['kernel']['id']}/channels"
        connection = websocket.create_connection(url, timeout=120,
                                                 header=[f"Authorization: token {self.token}"])
        try:
            yield lambda code: execute(connection, code)
        finally:
            connection.close()
            self.api("DELETE", f"sessions/{session['id']}")


def execute(connection, code):
    """Run code in the kernel; return (text outputs, error or None), as a notebook shows them."""
    msg_id, outputs, error, stream = uuid.uuid4().hex, [], None, None
    connection.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": "test",
                   "username": "student", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
    while True:
        msg = json.loads(connection.recv())
        if msg["channel"] != "iopub" or msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and stream == content["name"]:
            outputs[-1] += content["text"]  # a stream arrives in chunks; a notebook joins them
        elif kind == "stream":
            outputs.append(content["text"])
        elif kind in ("execute_result", "display_data") and "text/plain" in content["data"]:
            outputs.append(content["data"]["text/plain"])
        elif kind == "error":
            error = f"{content['ename']}: {content['evalue']}"
        elif kind == "status" and content["execution_state"] == "idle":
            return outputs, error
        stream = content["name"] if kind == "stream" else None


def committed_text(cell):
    """A code cell's saved text outputs, in the form execute() returns them."""
    texts = []
    for output in cell.get("outputs", []):
        text = output.get("text") or output.get("data", {}).get("text/plain")
        if text is not None:
            texts.append("".join(text))
    return texts


@pytest.fixture(scope="module")
def classroom():
    """A running hub, the upstream repository, and both students after their first click."""
    reason = missing_tools()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the JupyterHub test cannot run in CI: {reason}")
        pytest.skip(reason)
    folder = pathlib.Path(tempfile.mkdtemp(prefix="hub-"))
    try:
        # The upstream: this repository's HEAD on branch main, at a path ending in the
        # repository's name, so nbgitpuller names the students' folder as it would on a hub.
        upstream = folder / "upstream" / "inverse-problems"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(upstream)], check=True, timeout=120)
        git("checkout", "--quiet", "-B", "main", cwd=upstream)
        link = readme_link().replace(REPOSITORY, upstream.as_uri())
        with jupyterhub(folder) as base:
            students = {name: Student(base, name) for name in STUDENTS}
            try:
                landed = {name: s.log_in_and_follow(link.replace("https://HUB", base))
                          for name, s in students.items()}
                yield {"folder": folder, "upstream": upstream, "link": link.replace("https://HUB", base),
                       "students": students, "landed": landed}
            except Exception:
                print(hub_log(folder))
                raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def home(classroom, name):
    return classroom["folder"] / "home" / name / "inverse-problems"


def test_each_student_gets_the_series_and_lands_on_the_first_notebook(classroom):
    upstream = classroom["upstream"]
    head = git("rev-parse", "HEAD", cwd=upstream)
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    for name in STUDENTS:
        landed = classroom["landed"][name]
        assert landed.status_code == 200, (name, landed.status_code, landed.url)
        assert urlsplit(landed.url).path == f"/user/{name}/lab/tree/{NOTEBOOK}", landed.url
        clone = home(classroom, name)
        assert git("rev-parse", "HEAD", cwd=clone) == head, name
        assert sorted(p.name for p in (clone / "notebooks").glob("*.ipynb")) == notebooks, name
        assert (clone / NOTEBOOK.split("/", 1)[1]).read_bytes() == (upstream / NOTEBOOK.split("/", 1)[1]).read_bytes()


@pytest.mark.parametrize("name", STUDENTS)
def test_the_first_notebook_runs_in_the_students_home(classroom, name):
    """Every code cell of 00, run by the student's own server, prints what the committed
    notebook shows; the kernel runs in the student's copy with the hub's Python."""
    student = classroom["students"][name]
    nb = student.api("GET", f"contents/{NOTEBOOK}")["content"]
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(cells) >= 10
    with student.kernel_for(NOTEBOOK) as run:
        for i, cell in enumerate(cells):
            outputs, error = run(cell["source"])
            assert error is None, f"{name}, code cell {i}: {error}"
            assert outputs == committed_text(cell), f"{name}, code cell {i}"
        outputs, error = run("import os, sys, invlib; print(os.getcwd()); print(sys.prefix)")
    assert error is None, error
    assert outputs == [f"{home(classroom, name) / 'notebooks'}\n{sys.prefix}\n"]
    assert outputs[0].startswith(str(classroom["folder"] / "home" / name))


def test_a_second_pull_brings_upstream_changes_and_keeps_the_students_edits(classroom):
    students, upstream = classroom["students"], classroom["upstream"]
    for name, student in students.items():  # each student answers exercise 1 in their copy
        model = student.api("GET", f"contents/{NOTEBOOK}")
        cell = next(c for c in model["content"]["cells"] if "causes_of_4 = None" in c["source"])
        cell["source"] = cell["source"].replace("causes_of_4 = None", ANSWERS[name])
        student.api("PUT", f"contents/{NOTEBOOK}", json={"type": "notebook", "format": "json",
                                                         "content": model["content"]})
    with (upstream / "README.md").open("a") as readme:
        readme.write(f"\n{UPSTREAM_LINE}\n")
    git("commit", "--quiet", "-am", "An erratum for the class", cwd=upstream)

    for name, student in students.items():
        landed = student.follow(classroom["link"])
        assert landed.status_code == 200 and urlsplit(landed.url).path.endswith(NOTEBOOK), landed.url
        clone = home(classroom, name)
        assert UPSTREAM_LINE in (clone / "README.md").read_text(), f"{name} did not get the change"
        saved = json.loads((clone / "notebooks" / "00-start-here.ipynb").read_text())
        sources = ["".join(c["source"]) for c in saved["cells"]]
        assert any(ANSWERS[name] + "\n" in s for s in sources), f"{name}'s answer was lost"
        other = next(n for n in STUDENTS if n != name)
        assert not any(ANSWERS[other] + "\n" in s for s in sources), f"{other}'s answer leaked to {name}"
