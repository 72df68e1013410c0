/* Rich text fields (Trix): the toolbar in the page's language, and no file attachments. */
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var lang = window.Trix && window.Trix.config.lang;
  if (lang) {
    lang.bold = gettext("Bold");
    lang.italic = gettext("Italic");
    lang.strike = gettext("Strikethrough");
    lang.link = gettext("Link");
    lang.heading1 = gettext("Heading");
    lang.quote = gettext("Quote");
    lang.code = gettext("Code");
    lang.bullets = gettext("Bullets");
    lang.numbers = gettext("Numbering");
    lang.outdent = gettext("Decrease level");
    lang.indent = gettext("Increase level");
    lang.undo = gettext("Undo");
    lang.redo = gettext("Redo");
    lang.unlink = gettext("Unlink");
    lang.urlPlaceholder = gettext("Enter a web address…");
  }
  document.addEventListener("trix-file-accept", function (event) {
    event.preventDefault();
  });
})();
