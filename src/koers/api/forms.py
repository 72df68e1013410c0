from django import forms
from django.utils.translation import gettext_lazy as _

from koers.accounts.models import Membership
from koers.plans.templatetags.koers import person


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return f"{person(membership.user)} ({membership.get_role_display()})"


class FeedTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, such as 'Power BI dashboard of the council'."),
    )
    membership = MemberChoice(
        label=_("Reads as"),
        queryset=Membership.objects.none(),
        help_text=_(
            "The key sees what this member may see, with their role at each request: "
            "a reader sees approved progress updates only."
        ),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            Membership.objects.filter(organisation=organisation)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__email")
        )
