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
  var hex = /^#[0-9a-fA-F]{6}$/;
  function paint(root) {
    var brand = document.documentElement.getAttribute("data-brand");
    if (brand && hex.test(brand)) {
      document.documentElement.style.setProperty("--brand", brand);
    }
    var coloured = Array.prototype.slice.call(root.querySelectorAll("[data-colour]"));
    if (root.matches && root.matches("[data-colour]")) {
      coloured.push(root);
    }
    for (var i = 0; i < coloured.length; i++) {
      var colour = coloured[i].getAttribute("data-colour");
      if (hex.test(colour)) {
        coloured[i].style.setProperty("--colour", colour);
      }
    }
  }
  paint(document);
  // Content that htmx brings in later (tree branches, forms) gets its colours too.
  document.addEventListener("htmx:load", function (event) {
    paint(event.target);
  });
})();
