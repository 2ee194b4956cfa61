"""Admin forms for the question bank."""

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.blocks import BlockField


class QuestionAdminForm(WagtailAdminModelForm):
    """Reads a submission without a StreamField's "<name>-count" (a browser always sends it;
    a script or a truncated request may not) as an empty list, which the field then refuses
    with its own message, instead of failing inside Wagtail with a KeyError."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            missing = [
                f"{name}-count"
                for name, field in self.base_fields.items()
                if isinstance(field, BlockField) and f"{name}-count" not in data
            ]
            if missing:
                data = data.copy()
                for key in missing:
                    data[key] = "0"
        super().__init__(data, *args, **kwargs)
