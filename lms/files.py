"""Serving a private file (evidence, score reports, certificates of outside training,
qualifications): streamed from storage through a view that has already asked its
permission function, as a download under a name that says nothing personal, and never
stored by a browser or proxy."""

import mimetypes

from django.http import FileResponse


def private_download(field_file, *, stem: str) -> FileResponse:
    """A download of `field_file` (a FileField's value) named `<stem>.<extension>`. The
    caller has checked that the person may see it and that the field holds a file."""
    name = field_file.name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
    response = FileResponse(
        field_file.open("rb"),
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        as_attachment=True,
        filename=f"{stem}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
