"""Forms for logging in and managing users."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.core.roles import Role


class UserForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    scope_unit = forms.CharField(
        label=_("Mã đơn vị phụ trách"), max_length=32, help_text=_("Mã tỉnh, huyện, xã hoặc thôn")
    )
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    password = forms.CharField(
        label=_("Mật khẩu"),
        widget=forms.PasswordInput,
        required=False,
        help_text=_("Ít nhất 8 ký tự; để trống khi sửa nếu không đổi"),
    )


class CodeForm(forms.Form):
    """The six-digit code of an authenticator app (two-factor login)."""

    code = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )
