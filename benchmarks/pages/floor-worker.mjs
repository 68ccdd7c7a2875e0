// Floor worker: load the site's self-hosted Pyodide and answer 1+1, nothing more.
// The Pyodide folder comes from ?pyodide= on this module's URL, so the worker starts at once
// (no round trip through postMessage before the first fetch).
const t0 = performance.now();
try {
  const dir = new URL(new URL(import.meta.url).searchParams.get("pyodide") || "/pyodide/",
                      import.meta.url).href;
  const { loadPyodide } = await import(new URL("pyodide.mjs", dir).href);
  const t1 = performance.now();
  const pyodide = await loadPyodide({ indexURL: dir, packageBaseUrl: dir });
  const t2 = performance.now();
  const value = pyodide.runPython("1+1");
  const t3 = performance.now();
  postMessage({ ok: true, value,
                timings: { import_ms: t1 - t0, load_ms: t2 - t1, run_ms: t3 - t2,
                           worker_start_ms: t0 } });
} catch (err) {
  postMessage({ ok: false, error: String(err && err.stack || err) });
}
