// The patient pages' own script (loaded once per full page; htmx's boosted swaps keep it). A file, not an
// inline script: the Content-Security-Policy allows scripts from this origin only.
(function () {
  // The visitor's time zone, for times shown in their clock: a cookie the server reads, and any
  // hidden field marked data-tz (the sign-up form's).
  function zone() {
    var tz = "";
    try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) {}
    if (!tz) return;
    if (!/^[A-Za-z0-9_+\/-]+$/.test(tz)) return;  // IANA names only, written as they are
    if (document.cookie.indexOf("tz=" + tz) === -1) {
      document.cookie = "tz=" + tz + "; path=/; max-age=31536000; samesite=lax";
    }
    document.querySelectorAll("input[data-tz]").forEach(function (el) { if (!el.value) el.value = tz; });
  }
  // Hold countdowns ("7:31 left").
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = Math.round((Date.parse(el.dataset.countdown) - Date.now()) / 1000);
      if (left <= 0) { el.textContent = "expired"; el.classList.add("expired"); return; }
      var m = Math.floor(left / 60), s = left % 60;
      el.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    });
  }
  zone(); tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", function () { zone(); tick(); });
})();
