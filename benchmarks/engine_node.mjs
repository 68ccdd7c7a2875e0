// Engine alone in Pyodide under Node: node benchmarks/engine_node.mjs WHEEL CASES_JSON REPS
// Loads node_modules/pyodide (no network: indexURL and packageBaseUrl are local), unpacks the
// built wheel from a Uint8Array (Node's Buffer is not accepted), then runs the same timing loop as
// CPython (benchmarks/engine_timing.py). Prints one JSON object on stdout.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const [wheelPath, casesPath, repsArg] = process.argv.slice(2);
if (!wheelPath || !casesPath) {
  console.error("usage: node engine_node.mjs WHEEL CASES_JSON [REPS]");
  process.exit(2);
}
const pyodideDir = join(root, "node_modules", "pyodide") + "/";
process.on("uncaughtException", (err) => { console.error(String(err && err.message || err).slice(-3000)); process.exit(1); });
process.on("unhandledRejection", (err) => { console.error(String(err && err.message || err).slice(-3000)); process.exit(1); });
const { loadPyodide } = await import(join(pyodideDir, "pyodide.mjs"));
const t0 = performance.now();
const pyodide = await loadPyodide({ indexURL: pyodideDir, packageBaseUrl: pyodideDir,
                                    stdout: () => {}, stderr: (l) => console.error(l) });
const t1 = performance.now();
pyodide.unpackArchive(new Uint8Array(readFileSync(wheelPath)), "wheel");
const t2 = performance.now();
pyodide.FS.writeFile("/tmp/engine_timing.py", readFileSync(join(here, "engine_timing.py")));
pyodide.runPython("import sys; sys.path.insert(0, '/tmp')");
const runJson = pyodide.pyimport("engine_timing").run_json;
const out = JSON.parse(runJson(readFileSync(casesPath, "utf8"), Number(repsArg || 20)));
out.load_pyodide_ms = t1 - t0;
out.unpack_wheel_ms = t2 - t1;
out.runtime = "pyodide " + pyodide.version + " / node " + process.version;
process.stdout.write(JSON.stringify(out) + "\n");
