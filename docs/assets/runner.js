// Run buttons for the page's Python blocks (the ones bookbuild/runner.py marked
// with data-runnable). A block can be edited in place; Run sends its current
// text to Python in a web worker (runner-worker.js) and shows what it prints in
// an <output> after the block, as text. Python loads at the first Run, from the
// site itself (the script tag's data-pyodide). The page's blocks share one
// interpreter; Stop ends the worker (the next Run loads Python again).
(function () {
  "use strict";

  // once per page, even where several pages' articles are put together (the PDF)
  if (window.rnnbookRunner) return;
  window.rnnbookRunner = true;
  const script = document.currentScript;
  const indexURL = new URL(script.dataset.pyodide, document.baseURI).href;
  const workerURL = new URL("runner-worker.js", script.src).href;
  const korean = (document.documentElement.lang || "").startsWith("ko");
  const T = korean
    ? {
        run: "실행", stop: "중지", reset: "되돌리기", code: "Python 코드, 고쳐서 실행할 수 있다",
        loading: "Python을 불러오는 중", running: "실행 중", done: "완료", error: "오류",
        stopped: "실행을 멈췄다. 다음 실행 때 Python을 새로 불러온다.",
        failed: "Python을 불러오지 못했다. ", seconds: "초", output: "실행 결과",
      }
    : {
        run: "Run", stop: "Stop", reset: "Reset", code: "Python code, editable",
        loading: "Loading Python", running: "Running", done: "Done", error: "Error",
        stopped: "Stopped. The next run loads Python again.",
        failed: "Python could not be loaded: ", seconds: " s", output: "Output",
      };
  const MAX_OUTPUT = 200000; // characters kept in one output

  let worker = null;
  let nextId = 1;
  const runs = new Map(); // id -> the block's controls, for runs not yet done

  function startWorker() {
    worker = new Worker(workerURL);
    worker.onmessage = (event) => receive(event.data);
    worker.postMessage({type: "init", indexURL});
  }

  function receive(message) {
    if (message.type === "progress") {
      for (const block of runs.values()) block.progress(message.step, message.steps);
    } else if (message.type === "out") {
      const block = runs.get(message.id);
      if (block) block.print(message.text, message.stream);
    } else if (message.type === "done") {
      const block = runs.get(message.id);
      runs.delete(message.id);
      if (block) block.finish(message.ok ? "ok" : "error", message.ms);
    } else if (message.type === "failed") {
      for (const block of runs.values()) {
        block.print(T.failed + message.text + "\n", "stderr");
        block.finish("error");
      }
      runs.clear();
      worker.terminate();
      worker = null;
    }
  }

  function stopAll() {
    if (worker) worker.terminate();
    worker = null;
    for (const block of runs.values()) {
      block.print(T.stopped + "\n", "stderr");
      block.finish("stopped");
    }
    runs.clear();
  }

  function button(label, className, icon) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "rb-button " + className;
    if (icon) {
      const i = document.createElement("span");
      i.setAttribute("aria-hidden", "true");
      i.textContent = icon + " ";
      b.append(i);
    }
    b.append(label);
    return b;
  }

  // Where the selection is in `el`, as character offsets [start, end] of its text.
  function selectionOffsets(el) {
    const selection = getSelection();
    if (!selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!el.contains(range.startContainer) || !el.contains(range.endContainer)) return null;
    const before = document.createRange();
    before.selectNodeContents(el);
    before.setEnd(range.startContainer, range.startOffset);
    const start = before.toString().length;
    before.setEnd(range.endContainer, range.endOffset);
    return [start, before.toString().length];
  }

  // At the first edit the highlighted code becomes plain text (the colours of
  // the old code would be wrong, and the browser would copy them into the new
  // text); the selection stays where it was.
  function makePlain(code) {
    if (!code.firstElementChild) return;
    const offsets = selectionOffsets(code);
    const text = document.createTextNode(code.textContent);
    code.replaceChildren(text);
    if (offsets) {
      const range = document.createRange();
      range.setStart(text, offsets[0]);
      range.setEnd(text, offsets[1]);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    }
  }

  function setup(div, index) {
    const next = div.nextElementSibling;
    if (next && next.classList.contains("rb-bar")) return; // set up already
    const code = div.querySelector("code");
    const original = code.innerHTML;
    try {
      code.contentEditable = "plaintext-only";
    } catch (e) {
      code.contentEditable = "true";
    }
    code.spellcheck = false;
    code.setAttribute("role", "textbox");
    code.setAttribute("aria-multiline", "true");
    code.setAttribute("aria-label", T.code);

    const bar = document.createElement("div");
    bar.className = "rb-bar";
    const run = button(T.run, "rb-run", "▶");
    const stop = button(T.stop, "rb-stop", "■");
    const reset = button(T.reset, "rb-reset", "↺");
    stop.hidden = true;
    const progress = document.createElement("progress");
    progress.hidden = true;
    progress.setAttribute("aria-label", T.loading);
    const status = document.createElement("span");
    status.className = "rb-status";
    status.setAttribute("role", "status");
    bar.append(run, stop, reset, progress, status);

    const output = document.createElement("output");
    output.className = "rb-output";
    output.setAttribute("aria-label", T.output);
    output.hidden = true;
    div.after(bar);
    bar.after(output);

    let shown = 0;
    const block = {
      progress(step, steps) {
        progress.hidden = step >= steps;
        progress.max = steps;
        progress.value = step;
        status.textContent = `${T.loading} (${step}/${steps})`;
      },
      print(text, stream) {
        if (shown >= MAX_OUTPUT) return;
        text = text.slice(0, MAX_OUTPUT - shown);
        shown += text.length;
        if (stream === "stderr") {
          const span = document.createElement("span");
          span.className = "rb-stderr";
          span.textContent = text; // text, never HTML
          output.append(span);
        } else {
          output.append(document.createTextNode(text));
        }
      },
      finish(result, ms) {
        run.disabled = false;
        stop.hidden = true;
        progress.hidden = true;
        div.dataset.state = result;
        const time = ms === undefined ? "" : ` (${(ms / 1000).toFixed(2)}${T.seconds})`;
        status.textContent = {ok: T.done, error: T.error, stopped: T.stop}[result] + time;
      },
    };

    run.addEventListener("click", () => {
      if (!worker) startWorker();
      const id = nextId++;
      runs.set(id, block);
      output.textContent = "";
      output.hidden = false;
      shown = 0;
      run.disabled = true;
      stop.hidden = false;
      div.dataset.state = "running";
      status.textContent = T.running;
      worker.postMessage({type: "run", id, code: code.textContent, name: `<block ${index + 1}>`});
    });
    stop.addEventListener("click", stopAll);
    reset.addEventListener("click", () => {
      code.innerHTML = original;
    });
    code.addEventListener("beforeinput", () => makePlain(code));
    // Shift+Enter in the code runs it, as in a notebook
    code.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.shiftKey && !run.disabled) {
        event.preventDefault();
        run.click();
      }
    });
  }

  document.querySelectorAll("div.highlight[data-runnable]").forEach(setup);
})();
