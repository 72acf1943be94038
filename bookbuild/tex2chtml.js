// Typesets TeX as MathJax 3 CommonHTML for bookbuild/math.py, in one node process.
//
//   node bookbuild/tex2chtml.js ES5_DIR FONT_URL
//
// Reads one JSON request a line on stdin and answers each with one JSON line:
//   {"equations": [[tex, display], ...]}  ->  {"results": [{"html": ...} or {"error": ...}, ...]}
//   {"stylesheet": true}                  ->  {"css": "..."}  (for every equation typeset so far)
// ES5_DIR is MathJax's es5/ folder (from the django-static-mathjax package);
// FONT_URL is where the stylesheet finds the fonts, relative to the stylesheet.
"use strict";

const readline = require("readline");
const [ES5_DIR, FONT_URL] = process.argv.slice(2);

global.MathJax = {
  loader: {
    paths: {mathjax: ES5_DIR},
    load: ["adaptors/liteDOM", "input/tex-full", "output/chtml", "a11y/assistive-mml"],
    require: require,
  },
  tex: {
    // an error fails the build: no red text in place of the equation
    packages: {"[-]": ["noerrors", "noundefined"]},
    formatError: (jax, error) => { throw error; },
  },
  // Scaled as MathJax scales it in the browser next to the theme's system font here
  // (122.8%: the ratio of their x-heights), which a build cannot measure.
  chtml: {fontURL: FONT_URL, scale: 1.228, matchFontHeight: false},
  options: {enableAssistiveMml: true},  // MathML beside the CHTML, for screen readers
  startup: {typeset: false},
};
require(ES5_DIR + "/startup.js");

// Every container gets the same inline style from the scale above: one CSS rule
// instead (about 45 bytes less per equation).
const CONTAINER_STYLE = ' style="font-size: 122.8%; position: relative;"';
const CONTAINER_CSS = '\nmjx-container[jax="CHTML"] {\n  font-size: 122.8%;\n  position: relative;\n}\n';

function withoutContainerStyle(html) {
  const end = html.indexOf(">");
  const i = html.indexOf(CONTAINER_STYLE);
  return i >= 0 && i < end ? html.slice(0, i) + html.slice(i + CONTAINER_STYLE.length) : html;
}

function typeset(tex, display) {
  try {
    const node = MathJax.tex2chtml(tex, {display: display});
    return {html: withoutContainerStyle(MathJax.startup.adaptor.outerHTML(node))};
  } catch (error) {
    return {error: String(error.message || error)};
  }
}

function answer(request) {
  if (request.stylesheet) {
    const adaptor = MathJax.startup.adaptor;
    return {css: adaptor.textContent(MathJax.chtmlStylesheet()) + CONTAINER_CSS};
  }
  return {results: request.equations.map(([tex, display]) => typeset(tex, display))};
}

MathJax.startup.promise.then(() => {
  const lines = readline.createInterface({input: process.stdin, terminal: false});
  lines.on("line", (line) => {
    process.stdout.write(JSON.stringify(answer(JSON.parse(line))) + "\n");
  });
}).catch((error) => {
  process.stderr.write("MathJax did not start: " + error + "\n");
  process.exit(1);
});
