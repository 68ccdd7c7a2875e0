// Calculator page only (docs/overrides/main.html loads it there, before the theme's bundle.js):
// Material's search downloads search/search_index.json (about 380 KB gzip) and builds its index in a
// worker as soon as the page starts, on the same two cores and the same connection as Pyodide's
// start. Measured (benchmarks/README.md): that costs the calculator's first answer time and bytes.
// This classic script holds that one request back until the reader reaches for search (focus in the
// search box, the search toggle, Material's keyboard shortcut, which clicks the toggle), then sends
// it: search works as usual, its index just loads on first use. No other request is touched.
(function () {
  "use strict";
  if (!document.getElementById("calc-result")) return;
  var proto = XMLHttpRequest.prototype;
  var open = proto.open;
  var send = proto.send;
  var INDEX = /\/search\/search_index\.json(?:[?#]|$)/;
  var held = [];
  var released = false;

  function release() {
    if (released) return;
    released = true;
    proto.open = open;
    proto.send = send;
    var list = held;
    held = [];
    for (var i = 0; i < list.length; i++) send.apply(list[i][0], list[i][1]);
  }

  proto.open = function (method, url) {
    this.__searchIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  proto.send = function () {
    if (!released && this.__searchIndex) {
      held.push([this, arguments]);
      return undefined;
    }
    return send.apply(this, arguments);
  };

  function isSearch(target) {
    return !!(target && target.closest && target.closest(".md-search, [data-md-component=search], label[for=__search]"));
  }
  document.addEventListener("focusin", function (event) { if (isSearch(event.target)) release(); }, true);
  document.addEventListener("pointerdown", function (event) { if (isSearch(event.target)) release(); }, true);
  document.addEventListener("change", function (event) { if (event.target && event.target.id === "__search") release(); }, true);
})();
