// The front desk's own script (loaded once per full page; htmx's boosted swaps keep it): hold countdowns
// ("7:31 left"), the day sheet's Print button, and a search typed before htmx was listening. A file, not an inline script: the Content-Security-Policy
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
  // The patient search has autofocus, so a receptionist may type before htmx listens to it (on a full load
  // htmx is a deferred script; after a boosted link, it processes the new page a moment after showing it):
  // once it does, search for whatever was typed by then.
  if (window.htmx) {
    window.htmx.onLoad(function (root) {
      var inputs = Array.prototype.slice.call(root.querySelectorAll("input[type=search][hx-get]"));
      if (root.matches && root.matches("input[type=search][hx-get]")) inputs.push(root);
      inputs.forEach(function (input) {
        if (input.value !== input.defaultValue) window.htmx.trigger(input, "search");
      });
    });
  }
})();
