"""GOV.UK-styled form building blocks shared by every app's forms."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

WIDGET_CLASSES = {
    forms.TextInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.NumberInput: "govuk-input",
    forms.PasswordInput: "govuk-input",
    forms.URLInput: "govuk-input",
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year in three boxes."""

    template_name = "django/forms/widgets/govuk_date.html"
    widget_type = "govukdate"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    def __init__(self, *, future_allowed: bool = True, **kwargs: Any):
        self.future_allowed = future_allowed
        fields = (forms.IntegerField(), forms.IntegerField(), forms.IntegerField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def clean(self, value: Any) -> date | None:
        parts = [str(v).strip() if v is not None else "" for v in (value or ["", "", ""])]
        label = (self.label or "Date").capitalize()
        if not any(parts):
            if self.required:
                raise forms.ValidationError(f"Enter {label.lower()}", code="required")
            return None
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(f"{label} must be a real date, with numbers only")
        day, month, year = (int(p) for p in parts)
        if year < 1900:
            raise forms.ValidationError(f"{label} must include a 4-digit year after 1900")
        try:
            result = date(year, month, day)
        except ValueError:
            raise forms.ValidationError(f"{label} must be a real date") from None
        if not self.future_allowed and result > date.today():
            raise forms.ValidationError(f"{label} must be today or in the past")
        return result

    def compress(self, data_list: list[Any]) -> Any:  # not used: clean() does the work
        return data_list


class GovukFormMixin:
    """Adds the GOV.UK classes and error states to every widget."""

    template_name_div = "django/forms/div.html"

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            # Never Django's "---------": a choice list starts with a plain instruction.
            if getattr(field, "empty_label", None) == "---------":
                field.empty_label = "Choose one"
            for widget_type, css in WIDGET_CLASSES.items():
                if type(field.widget) is widget_type:
                    field.widget.attrs["class"] = css

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                self._show_error_on(name)

    def add_application_error(self, field: str | None, message: str) -> None:
        name = field if field in self.fields else None  # type: ignore[attr-defined]
        self.add_error(name, message)  # type: ignore[attr-defined]
        if name:
            self._show_error_on(name)

    def _show_error_on(self, name: str) -> None:
        """Error styling, and the widget described by its hint and its error message.

        The ids are the bound field's own (prefix included), as field.html renders them.
        """
        bound = self[name]  # type: ignore[index]
        widget = bound.field.widget
        css = widget.attrs.get("class", "")
        if css in ("govuk-input", "govuk-textarea", "govuk-select"):
            widget.attrs["class"] = f"{css} {css}--error"
        hint = f"{bound.auto_id}_helptext " if bound.help_text else ""
        widget.attrs["aria-describedby"] = f"{hint}{bound.auto_id}-error"


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account is not active. Ask your administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false"}
        )
        self.fields["password"].label = "Password"

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError as error:
            # Point the error at the email field so the summary link has somewhere to go.
            raise forms.ValidationError({"username": error.messages}) from None


class PersonSearchForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name or reference",
        required=False,
        max_length=100,
        help_text="First name, last name or both",
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        future_allowed=False,
        help_text="For example, 27 3 2015",
    )


class TwoFactorForm(GovukFormMixin, forms.Form):
    token = forms.CharField(
        label="Security code",
        max_length=8,
        help_text="The 6-digit code from your authenticator app",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input govuk-input--width-10",
            }
        )


def call_service(form: Any, service: Any, **kwargs: Any) -> Any:
    """Run a service; an ApplicationError becomes the form's error on the field it names."""
    from joinedup.errors import ApplicationError

    try:
        return service(**kwargs)
    except ApplicationError as error:
        form.add_application_error(error.field, error.message)
        return None


class PasswordResetRequestForm(GovukFormMixin, PasswordResetForm):
    """Django's own reset: an email with a single-use link, sent only to active accounts."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )


class NewPasswordForm(GovukFormMixin, SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields[
            "new_password1"
        ].help_text = (
            "At least 12 characters; not a common password, not only numbers, not like your name"
        )
        self.fields["new_password2"].label = "Confirm new password"
