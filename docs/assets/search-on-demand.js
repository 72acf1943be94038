/* The search index is fetched when the reader first reaches for search, not
   with every page: it is the largest file a page would load (several hundred
   kB), and most visits never search.

   Material's script asks for search/search_index.json as it starts. This
   script, loaded just before it (overrides/main.html), holds that request back
   until the pointer goes over the search box or its button, the box gets the
   focus (a click, a tap, or the s, f and / keys), or a tap opens search on a
   phone. A page opened from a search result (?h=… in its address) needs the
   index at once, to highlight the words searched for. */
(() => {
  const INDEX = /\/search\/search_index\.json$/;
  const SEARCH = ".md-search, label[for='__search'], #__search";
  const { open, send } = XMLHttpRequest.prototype;
  const held = [];
  let wanted = new URLSearchParams(location.search).has("h");

  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.rnnbookSearchIndex = INDEX.test(new URL(url, location.href).pathname);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) {
    if (this.rnnbookSearchIndex && !wanted) {
      held.push(() => send.apply(this, args));
      return;
    }
    return send.apply(this, args);
  };

  const reachForSearch = (event) => {
    if (wanted || !(event.target instanceof Element) || !event.target.closest(SEARCH)) return;
    wanted = true;
    held.splice(0).forEach((sendNow) => sendNow());
  };
  for (const type of ["pointerover", "focusin", "touchstart", "change"]) {
    document.addEventListener(type, reachForSearch, { capture: true, passive: true });
  }
})();
