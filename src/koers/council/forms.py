from django import forms
from django.utils.translation import gettext_lazy as _

from koers.accounts.locking import VersionedForm
from koers.council import services
from koers.council.models import CouncilSettings, Question

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.email


class AskForm(forms.Form):
    """A new question; what it is about comes from the page it was asked on, or is chosen
    among the round's items."""

    subject = forms.ChoiceField(label=_("The question is about"), choices=())
    item = forms.ModelChoiceField(label=_("Item"), queryset=None, required=False)
    title = forms.CharField(label=_("Question in short"), max_length=200)
    text = forms.CharField(
        label=_("Question"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8})
    )
    show_name = forms.BooleanField(
        label=_("Show my name if the council makes the question public"),
        required=False,
        help_text=_("Otherwise the public portal names the asker as 'council member'."),
    )

    def __init__(self, *args, round_, item=None, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_item, self.indicator = item, indicator
        Subject = Question.Subject
        if indicator is not None:
            choices = [(Subject.INDICATOR, Subject.INDICATOR.label)]
        elif item is not None and item.depth == 2:
            choices = [(Subject.ITEM, Subject.ITEM.label), (Subject.SECTION, Subject.SECTION.label)]
        else:
            choices = [(Subject.ITEM, Subject.ITEM.label)]
        self.fields["subject"].choices = choices
        if len(choices) == 1:
            self.fields["subject"].widget = forms.HiddenInput()
            self.fields["subject"].initial = choices[0][0]
        if item is not None or indicator is not None:
            del self.fields["item"]
        else:
            self.fields["item"].queryset = services.askable_items(round_)
            self.fields["item"].required = True

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["item"] = data.get("item") or self.fixed_item
        data["indicator"] = self.indicator
        return data


class AssignForm(VersionedForm, forms.Form):
    assignee = PersonChoiceField(label=_("Who answers"), queryset=None)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args, question, record=None, **kwargs):
        super().__init__(*args, record=record or question, **kwargs)
        self.fields["assignee"].queryset = services.possible_assignees(question.organisation)
        if not self.is_bound:
            self.initial["assignee"] = question.assignee or services.default_assignee(question)
            self.initial["deadline"] = question.deadline or services.answer_deadline(
                question.organisation
            )


class AnswerForm(VersionedForm, forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )

    def __init__(self, *args, question, record=None, **kwargs):
        super().__init__(*args, record=record or question, **kwargs)
        if not self.is_bound:
            self.initial["answer"] = question.answer


class SettingsForm(VersionedForm, forms.ModelForm):
    new_version = 0

    class Meta:
        model = CouncilSettings
        fields = ["answer_days"]
