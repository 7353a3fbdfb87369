// hospnet: datasette-cluster-map (0.18.2) loads one page of markers (1,000) and waits for a click on
// "load all"; on hospnet's pages the map loads every row by itself, and its progress line reads in Chinese.
(function () {
  "use strict";
  function translate(div) {
    div.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE && /^Showing /.test(node.textContent)) {
        node.textContent = node.textContent.replace(/^Showing /, "地图已加载 ").replace(/ of /, " / ") + " ";
      }
    });
  }
  function step() {
    document.querySelectorAll("button.cluster-map-button").forEach(function (button) {
      if (button.dataset.hospnet) return;
      button.dataset.hospnet = "1";
      if (button.parentNode) translate(button.parentNode);
      var text = button.textContent.trim();
      if (text === "load all") {
        button.textContent = "加载全部";
        button.click();
      } else if (text === "pause") {
        button.textContent = "暂停";
      }
    });
  }
  new MutationObserver(step).observe(document.documentElement, { childList: true, subtree: true });
})();
