// Two small repairs for the series' dashboards (ipywidgets 8.1 in JupyterLab 4 and in
// jupyterlab-rise 0.43.1's slideshow). JupyterLab runs this file in every page it opens,
// the lab's and the slideshow's, as the entry point of a federated extension; it provides
// no plugin.
//
// 1. The dashboards inside the slideshow. The slideshow is a small JupyterLab of its own
//    that shares the lab's extensions but not all of its modules. The widget manager
//    (@jupyter-widgets/jupyterlab-manager) imports @jupyterlab/console, only for an
//    optional token (IConsoleTracker: widgets in code consoles). The slideshow has no
//    consoles and does not provide that module, so the whole widget manager fails to load
//    and a dashboard shows as a line of text
//    (github.com/jupyterlab-contrib/rise/issues/119). When a page's shared modules lack
//    @jupyterlab/console, this registers a stand-in holding only a fresh IConsoleTracker
//    token. No plugin provides that token, so the widget manager gets `null` for it, as an
//    optional token allows, and works without consoles. Where the module exists (the lab)
//    this does nothing. tests/test_slides.py fails when the slideshow provides the module
//    itself: then this part can go.
//
// 2. Slider names. ipywidgets draws a slider's handle as an element of role "slider" with
//    no name, and announces its value with the browser's rounding error
//    ("0.049999999999999996"). This names each handle after its slider's label ("step α")
//    and rounds the announced value to 12 significant digits ("0.05").
//    tests/test_browser.py finds every dashboard slider by that name.
var _JUPYTERLAB;
(function () {
  "use strict";
  var NAME = "invlib-dashboard-support";
  var CONSOLE = "@jupyterlab/console";

  function newest(versions) {
    // The entry of the highest version among a shared module's registered versions.
    var parse = function (v) { return v.split(/[.+-]/).slice(0, 3).map(Number); };
    var best = null;
    Object.keys(versions || {}).forEach(function (v) {
      if (best === null) { best = v; return; }
      var a = parse(v), b = parse(best);
      for (var i = 0; i < 3; i++) {
        if (a[i] !== b[i]) { if (a[i] > b[i]) best = v; return; }
      }
    });
    return best === null ? null : versions[best];
  }

  function consoleModule(scope) {
    // The token is a Lumino Token, made with the page's own @lumino/coreutils.
    return Promise.resolve(newest(scope["@lumino/coreutils"]).get()).then(function (factory) {
      var Token = factory().Token;
      var module = { IConsoleTracker: new Token(CONSOLE + ":IConsoleTracker") };
      return function () { return module; };
    });
  }

  function nameHandle(handle) {
    var slider = handle.closest(".widget-slider");
    var label = slider && slider.querySelector(":scope > .widget-label");
    var name = label ? label.textContent.trim() : "";
    if (name && handle.getAttribute("aria-label") !== name) {
      handle.setAttribute("aria-label", name);
    }
    var text = handle.getAttribute("aria-valuetext");
    var rounded = text === null || isNaN(Number(text)) ? text : String(Number(Number(text).toPrecision(12)));
    if (rounded !== text) {
      handle.setAttribute("aria-valuetext", rounded);
    }
  }

  function watchSliders() {
    // New handles (a dashboard drawn) and their changing values (a slider moved).
    new MutationObserver(function (mutations) {
      mutations.forEach(function (m) {
        if (m.type === "attributes") {
          if (m.target.classList.contains("noUi-handle")) nameHandle(m.target);
          return;
        }
        m.addedNodes.forEach(function (node) {
          if (node.nodeType !== 1) return;
          if (node.matches(".widget-slider .noUi-handle")) nameHandle(node);
          node.querySelectorAll(".widget-slider .noUi-handle").forEach(nameHandle);
        });
      });
    }).observe(document.body, { childList: true, subtree: true, attributes: true,
                                attributeFilter: ["aria-valuetext"] });
  }

  _JUPYTERLAB = _JUPYTERLAB || {};
  if (_JUPYTERLAB[NAME]) return;
  _JUPYTERLAB[NAME] = {
    supplied: false,  // whether this page lacked the module and got the stand-in (for the tests)
    init: function (scope) {
      if (!scope[CONSOLE] && scope["@lumino/coreutils"]) {
        scope[CONSOLE] = {
          "0.0.0": { get: function () { return consoleModule(scope); }, from: NAME, eager: false }
        };
        _JUPYTERLAB[NAME].supplied = true;
      }
    },
    get: function (module) {
      return Promise.reject(new Error(NAME + " has no module " + module));
    }
  };
  if (document.body) {
    watchSliders();
  } else {
    document.addEventListener("DOMContentLoaded", watchSliders);
  }
})();
