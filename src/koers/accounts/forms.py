from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from koers.accounts.locking import VersionedForm
from koers.accounts.models import Department, Membership, Role


class MemberForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("A person without an account gets an e-mail with a link to choose a password."),
    )
    first_name = forms.CharField(label=_("First name"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.READER)
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Editors may change the items of these departments."),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(organisation=organisation)


class MembershipForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "departments", "handles_complaints"]
        widgets = {"departments": forms.CheckboxSelectMultiple}
        help_texts = {
            "handles_complaints": _(
                "Sees and handles every complaint, with the complainant's personal data."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(
            organisation=self.instance.organisation
        )


class DepartmentForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "head"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = (
            get_user_model()
            .objects.filter(memberships__organisation=organisation)
            .order_by("first_name", "last_name")
        )
