// Searches the report offline: the index is window.KOERS_SEARCH_INDEX (assets/search-index.js).
(function () {
  "use strict";
  function fold(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function search(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) { return []; }
    return (window.KOERS_SEARCH_INDEX || []).filter(function (entry) {
      var haystack = fold(entry.code + " " + entry.title + " " + entry.text);
      return words.every(function (word) { return haystack.indexOf(word) !== -1; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("search-form");
    if (!form) { return; }
    var input = form.querySelector("input");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    function show() {
      var found = search(input.value);
      list.innerHTML = "";
      found.forEach(function (entry) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = entry.url;
        link.textContent = (entry.code ? entry.code + " " : "") + entry.title;
        item.appendChild(link);
        list.appendChild(item);
      });
      status.textContent = input.value ? status.dataset.found.replace("%s", found.length) : "";
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); show(); });
    input.addEventListener("input", show);
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) { input.value = query; show(); }
  });
})();
