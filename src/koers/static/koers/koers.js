/* Small behaviours without a framework. The Content-Security-Policy allows no inline
   script and no style attributes, so pages carry data attributes that this file acts on. */
(function () {
  "use strict";
  // <form data-confirm="Are you sure?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // 409 Conflict (someone else saved first): htmx shows the answer, which says so,
  // instead of treating it as an error and leaving the page unchanged.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // A form sent back with errors: its summary (which links to every field) gets focus.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  // The header's menu on phones: folded behind its button once this script runs.
  var header = document.querySelector(".k-header");
  if (header) {
    header.classList.add("k-header--js");
    var menuButton = header.querySelector(".k-header__menu-button");
    menuButton.addEventListener("click", function () {
      var open = !header.classList.contains("k-header--open");
      header.classList.toggle("k-header--open", open);
      menuButton.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // The plan tree: a row's button shows or hides the items below it (they are shown
  // without JavaScript); htmx fetches a lazy branch on the first click.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("button.k-tree-toggle");
    if (!toggle) {
      return;
    }
    var below = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (below) {
      below.hidden = !open;
    }
  });
  // <select data-autosubmit>: choosing a value sends the form.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });
  // Colours chosen by people (organisation, statuses, SDGs) as #rrggbb: data-brand on
  // <html> sets --brand, data-colour on an element sets its --colour. Setting style
  // properties from script is allowed by the policy; style="" in the markup is not.
  // Where white text sits on the colour (the header, status badges), a darker shade of it
  // is used until the contrast is at least 4.5:1 (WCAG AA).
  var hex = /^#[0-9a-fA-F]{6}$/;
  function luminance(rgb) {
    var linear = rgb.map(function (value) {
      var c = value / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  }
  function readableOnWhiteText(colour) {
    var rgb = [1, 3, 5].map(function (at) { return parseInt(colour.substr(at, 2), 16); });
    while (1.05 / (luminance(rgb) + 0.05) < 4.5) {
      rgb = rgb.map(function (value) { return Math.floor(value * 0.9); });
    }
    return "#" + rgb.map(function (value) { return ("0" + value.toString(16)).slice(-2); }).join("");
  }
  function paint(root) {
    var brand = document.documentElement.getAttribute("data-brand");
    if (brand && hex.test(brand)) {
      document.documentElement.style.setProperty("--brand", readableOnWhiteText(brand));
    }
    var coloured = Array.prototype.slice.call(root.querySelectorAll("[data-colour]"));
    if (root.matches && root.matches("[data-colour]")) {
      coloured.push(root);
    }
    for (var i = 0; i < coloured.length; i++) {
      var colour = coloured[i].getAttribute("data-colour");
      if (hex.test(colour)) {
        // A status pill (the app's k-badge, the portal's badge) is text on a tint of the colour.
        var text = coloured[i].classList.contains("k-badge") || coloured[i].classList.contains("badge");
        coloured[i].style.setProperty("--colour", text ? readableOnWhiteText(colour) : colour);
      }
    }
  }
  paint(document);
  // Content that htmx brings in later (tree branches, forms) gets its colours too.
  document.addEventListener("htmx:load", function (event) {
    paint(event.target);
  });
})();
