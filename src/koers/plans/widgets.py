from django import forms


class RichTextWidget(forms.HiddenInput):
    """A Trix editor that writes its HTML into a hidden input; the server sanitises it."""

    template_name = "plans/widgets/richtext.html"
    input_type = "hidden"

    class Media:
        css = {"all": ["koers/vendor/trix-2.1.19/trix.css"]}
        js = ["/jsi18n/", "koers/vendor/trix-2.1.19/trix.umd.min.js", "koers/richtext.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The accessible name goes on the editor, not on the hidden input.
        context["widget"]["label"] = context["widget"]["attrs"].pop("data-label", "")
        return context

    def id_for_label(self, id_):
        return f"{id_}_editor" if id_ else id_

    @property
    def is_hidden(self):  # shown as an editor, so its label stays visible
        return False
