// The front desk's own script (loaded once per full page; htmx's boosted swaps keep it): hold countdowns
// ("7:31 left") and the day sheet's Print button. A file, not an inline script: the Content-Security-Policy
// allows scripts from this origin only.
(function () {
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = Math.round((Date.parse(el.dataset.countdown) - Date.now()) / 1000);
      if (left <= 0) { el.textContent = "expired"; el.classList.add("expired"); return; }
      var m = Math.floor(left / 60), s = left % 60;
      el.textContent = m + ":" + (s < 10 ? "0" : "") + s + " left";
    });
  }
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
  document.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
  });
})();
