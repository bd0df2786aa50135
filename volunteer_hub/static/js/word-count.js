// Progressive enhancement: under a textarea with `data-word-limit`, say how many words are
// left as people type. The limit is also in the field's hint and checked on the server.
(function () {
  function words(text) {
    var found = text.trim().match(/\S+/g);
    return found ? found.length : 0;
  }
  function enhance(area) {
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    var status = document.createElement("p");
    status.id = area.id + "-count";
    status.className = "form-text hub-hint";
    status.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", status);
    function update() {
      var left = limit - words(area.value);
      status.textContent = left >= 0
        ? "You have " + left + (left === 1 ? " word" : " words") + " remaining"
        : "You have " + (-left) + (left === -1 ? " word" : " words") + " too many";
      status.classList.toggle("hub-field-error", left < 0);
    }
    area.addEventListener("input", update);
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-word-limit]").forEach(enhance);
  });
})();
