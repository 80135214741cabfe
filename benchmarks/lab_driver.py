"""Drive JupyterLab in a real browser (Debian's Chromium through Playwright).

Used by ``tests/test_browser.py`` (does every dashboard respond?) and by
``benchmarks/widget_latency.py`` (how fast?). JupyterLab runs on a copy of the notebooks
in a temporary folder, so autosave never touches the repository.
"""

import contextlib
import json
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


def widget_notebooks():
    """The notebooks that show a dashboard, by file name."""
    names = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        if any("_dashboard(" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"):
            names.append(path.name)
    return names


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab():
    """Start JupyterLab headless on localhost; yield (base_url, token, folder)."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="lab-"))
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    settings = folder / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell (no lazy windowing), so the dashboards are in the page at once.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    news = folder / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port, token = _free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={folder / 'notebooks'}", "--LabApp.news_url=None",
               f"--LabApp.user_settings_dir={folder / 'settings'}",
               f"--LabApp.workspaces_dir={folder / 'workspaces'}",
               "--expose-app-in-browser", "--allow-root"]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "JUPYTER_PLATFORM_DIRS": "1"}
    log = open(folder / "server.log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n" + (folder / "server.log").read_text()[-3000:])
                time.sleep(0.3)
        yield base, token, folder
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def browser():
    """A headless Chromium page factory."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


KERNEL_READY = """() => {
  const app = window.jupyterapp; const w = app && app.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""

ALL_EXECUTED = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session.kernel;
  if (k.status !== 'idle') return false;
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  return cells.every(c => c.model.executionCount !== null && c.model.executionCount > 0);
}"""

ERRORS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const errors = [];
  for (const c of w.content.widgets) {
    if (c.model.type !== 'code') continue;
    const outputs = c.model.outputs.toJSON();
    for (const o of outputs) {
      if (o.output_type === 'error') errors.push(o.ename + ': ' + o.evalue);
      if (o.output_type === 'stream' && o.name === 'stderr') errors.push('stderr: ' + o.text);
    }
  }
  return errors;
}"""


def open_and_run(page, base, token, name, timeout=120_000):
    """Open a notebook in a workspace of its own (so JupyterLab does not reopen the
    notebooks of earlier pages), wait for its kernel, run all cells, wait until done;
    return the errors."""
    page.set_default_timeout(60_000)
    workspace = "ws-" + secrets.token_hex(4)
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{name}?reset&token={token}")
    page.wait_for_function(KERNEL_READY, timeout=timeout)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(500)
    page.wait_for_function(ALL_EXECUTED, timeout=timeout)
    return cell_errors(page)


def shut_down_kernels(base, token):
    """Stop every kernel the server runs (between notebooks, so they do not pile up)."""
    request = urllib.request.Request(f"{base}/api/sessions?token={token}")
    for session in json.loads(urllib.request.urlopen(request, timeout=10).read()):
        urllib.request.urlopen(urllib.request.Request(
            f"{base}/api/sessions/{session['id']}?token={token}", method="DELETE"), timeout=30)


def cell_errors(page):
    """Error outputs and stderr text in the open notebook."""
    return page.evaluate(ERRORS)


def dashboards(page):
    """The dashboards on the page: each a dict of its box, figure (the box around the image,
    which stays while each move puts a new image in it), image, sliders, fields and status."""
    boxes = page.locator(".widget-vbox:has(> .dashboard-figure-box)")
    found = []
    for i in range(boxes.count()):
        box = boxes.nth(i)
        found.append({
            "box": box,
            "figure": box.locator("> .dashboard-figure-box").first,
            "image": box.locator("> .dashboard-figure-box img").first,
            "sliders": box.locator(".widget-slider"),
            "fields": box.locator(".widget-inline-hbox input[type=number]"),
            "status": box.locator("> .widget-html:not(.dashboard-figure-box)").first,
        })
    return found


def first_key(dashboard, index):
    """The arrow key that moves slider ``index`` from where it is: left when it is at its maximum."""
    handle = dashboard["sliders"].nth(index).locator(".noUi-handle").first
    at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
    return "ArrowLeft" if at_max else "ArrowRight"


def move_slider(page, dashboard, index, key="ArrowRight", timeout=10_000):
    """Press ``key`` on slider ``index``; return the seconds from the key press to the new
    figure being decoded and painted, measured inside the page.

    A new figure is either a new ``src`` on the dashboard's image or (for ``interact``) a
    new image element in its output area; both are caught by one observer on the box.
    """
    slider = dashboard["sliders"].nth(index)
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    dashboard["box"].evaluate("""box => {
      const current = () => box.querySelector('img');
      const old = current(), oldSrc = old ? old.src : null;
      window.__painted = null; window.__key = null;
      document.addEventListener('keydown', () => { window.__key = performance.now(); },
                                {once: true, capture: true});
      const obs = new MutationObserver(() => {
        const img = current();
        if (!img || (img === old && img.src === oldSrc)) return;
        obs.disconnect();
        img.decode().catch(() => {}).then(() => requestAnimationFrame(() =>
          requestAnimationFrame(() => { window.__painted = performance.now(); })));
      });
      obs.observe(box, {attributes: true, attributeFilter: ['src'], childList: true, subtree: true});
    }""")
    page.keyboard.press(key)
    page.wait_for_function("window.__painted !== null", timeout=timeout)
    return page.evaluate("(window.__painted - window.__key) / 1000")


def interact_areas(page):
    """For a plain ``interact`` cell: its sliders and the inline image in its Output."""
    box = page.locator(".widget-interact").first
    return [{
        "box": box,
        "image": box.locator(".jp-OutputArea-output img").first,
        "sliders": box.locator(".widget-slider"),
        "status": None,
    }]


FIGURE_NAMES = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output img'))
  .map(img => (img.getAttribute('alt') || img.getAttribute('title') || '').trim())"""


def figure_names(page):
    """The accessible name (alt, else title) of every figure in the notebook's outputs."""
    return page.evaluate(FIGURE_NAMES)

