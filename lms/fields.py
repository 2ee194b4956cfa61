"""Form fields that choose rows by id and refuse ids no database can hold.

Django's ModelChoiceField and ModelMultipleChoiceField put a submitted id straight into a
query. An id too large for the column ("9223372036854775808") then fails inside the database
(SQLite raises OverflowError, PostgreSQL "out of range"), a server error rather than the
field's own "Select a valid choice". These check the id first (lms.parsing.small_int)."""

from django import forms
from django.core.exceptions import ValidationError

from .parsing import small_int


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.to_field_name is None and small_int(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if small_int(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)
