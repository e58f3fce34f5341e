"""The PMO's form for a chat channel's webhook (issue 21)."""

import ipaddress

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings

from .. import webhooks
from ..models import ChannelHook


class ChannelHookForm(forms.ModelForm):
    """The address is a secret, so it is never printed back: empty keeps the one saved."""

    url = forms.URLField(
        label="Webhook address",
        max_length=2000,
        assume_scheme="https",
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="From the channel: in Teams, a Workflows flow “Post to a channel when a "
        "webhook request is received”; in Slack, an app's incoming webhook. It starts with "
        "https://.",
    )

    class Meta:
        model = ChannelHook
        fields = ["kind", "url"]
        widgets = {"kind": forms.RadioSelect}
        labels = {"kind": "Channel"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved_url = self.instance.url if self.instance.pk else ""
        if self.saved_url:
            self.fields["url"].required = False
            self.fields[
                "url"
            ].help_text = f"Leave empty to keep the address saved (at {self.instance.host})."
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_url(self):
        url = (self.cleaned_data.get("url") or "").strip()
        if not url:
            return self.saved_url
        try:
            host, _port, _path = webhooks.checked_url(url)
        except webhooks.Refused as refused:
            raise forms.ValidationError(str(refused)) from None
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        inside = host.lower() == "localhost" or (literal and not webhooks.allowed(literal))
        if inside and not settings.CHANNEL_HOOKS_ALLOW_PRIVATE:
            raise forms.ValidationError(
                "That address is on this machine or a private network: Highlight posts only "
                "to channels on the internet."
            )
        return url
