// Typesets the page's LaTeX with a local copy of MathJax (no CDN).
// MathJax is loaded only on pages that have math, so the others stay light.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
  chtml: {
    fontURL: new URL("mathjax/output/chtml/fonts/woff-v2", document.currentScript.src).href,
  },
};

(function () {
  if (!document.querySelector(".arithmatex")) return;
  var script = document.createElement("script");
  script.src = new URL("mathjax/tex-chtml.js", document.currentScript.src).href;
  script.async = true;
  document.head.appendChild(script);
})();
