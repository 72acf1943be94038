// Python for the Run buttons: Pyodide in a web worker (see runner.js).
//
// Messages from the page, handled one after another:
//   {type: "init", indexURL}       load Pyodide, NumPy and rnnbook from indexURL
//   {type: "run", id, code, name}  run one block in the page's shared namespace
// Messages to the page:
//   {type: "progress", step, steps}   while loading
//   {type: "ready", ms}               Python is loaded
//   {type: "out", id, text, stream}   printed text ("stdout" or "stderr")
//   {type: "done", id, ok, ms}        the block finished (ok: no exception)
//   {type: "failed", text}            Python could not be loaded
"use strict";

let pyodide = null;
let runBlock = null; // the Python function below
let queue = Promise.resolve();
let current = null; // id of the block that is running

// Each block runs in one namespace shared by the page's blocks, like a notebook.
// The traceback leaves out this function's own frame; linecache lets it quote
// the block's lines.
const RUNNER = `
import linecache, sys, traceback

namespace = {"__name__": "__main__"}

def run_block(source, name):
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    try:
        exec(compile(source, name, "exec"), namespace)
        return True
    except BaseException as error:
        tb = error.__traceback__
        traceback.print_exception(type(error), error, tb.tb_next if tb else None)
        return False
    finally:
        sys.stdout.flush()
        sys.stderr.flush()

run_block
`;

// Printed text goes to the page in pieces of at most every 50 ms, so a loop
// that prints does not flood the page with messages.
const pending = {stdout: "", stderr: ""};
let lastSent = 0;

function send(force) {
  const now = performance.now();
  if (!force && now - lastSent < 50 && pending.stdout.length + pending.stderr.length < 65536) {
    return;
  }
  for (const stream of ["stderr", "stdout"]) {
    if (pending[stream]) {
      postMessage({type: "out", id: current, text: pending[stream], stream});
      pending[stream] = "";
    }
  }
  lastSent = now;
}

function writer(stream) {
  const decoder = new TextDecoder();
  return {
    write(bytes) {
      // stdout and stderr keep their order: the other stream is sent first
      const other = stream === "stdout" ? "stderr" : "stdout";
      if (pending[other]) send(true);
      pending[stream] += decoder.decode(bytes, {stream: true});
      send(false);
      return bytes.length;
    },
  };
}

async function init(indexURL) {
  const start = performance.now();
  const steps = 4;
  postMessage({type: "progress", step: 0, steps});
  importScripts(indexURL + "pyodide.js");
  postMessage({type: "progress", step: 1, steps});
  pyodide = await loadPyodide({indexURL, stdout: () => {}, stderr: () => {}});
  postMessage({type: "progress", step: 2, steps});
  const manifest = await (await fetch(indexURL + "rnnbook-runner.json")).json();
  const packages = manifest.load.map((name) => (name.endsWith(".whl") ? indexURL + name : name));
  await pyodide.loadPackage(packages, {messageCallback: () => {}});
  postMessage({type: "progress", step: 3, steps});
  pyodide.setStdout(writer("stdout"));
  pyodide.setStderr(writer("stderr"));
  runBlock = pyodide.runPython(RUNNER);
  pyodide.runPython("import numpy, rnnbook");
  postMessage({type: "progress", step: 4, steps});
  postMessage({type: "ready", ms: performance.now() - start});
}

function run(id, code, name) {
  const start = performance.now();
  current = id;
  const ok = runBlock(code, name);
  send(true);
  postMessage({type: "done", id, ok, ms: performance.now() - start});
  current = null;
}

self.onmessage = (event) => {
  const message = event.data;
  queue = queue.then(async () => {
    if (message.type === "init") {
      try {
        await init(message.indexURL);
      } catch (error) {
        postMessage({type: "failed", text: String(error && error.message || error)});
      }
    } else if (message.type === "run" && runBlock) {
      run(message.id, message.code, message.name);
    }
  });
};
