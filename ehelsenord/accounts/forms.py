from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from ehelsenord.core.forms import DesignsystemetMixin


class LoginForm(DesignsystemetMixin, AuthenticationForm):
    username = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    error_messages = {
        "invalid_login": _("Wrong e-mail or password. Check both and try again."),
        "inactive": _("This account is deactivated."),
    }
