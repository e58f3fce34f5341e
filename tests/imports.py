"""Uploading a spreadsheet through an import page as a browser does: post the file, follow
to its job's page (the preview runs in-process in tests, so it has finished by then), and
read the token its confirm button carries."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile


def upload(client, url, name, content):
    """The job's page once the file is posted to the import page at `url`."""
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)


def token_of(page):
    """The confirm button's token on a job's page (a response, or its text), or None when
    it offers none."""
    text = page if isinstance(page, str) else page.content.decode()
    found = re.search(r'name="token" value="([^"]+)"', text)
    return found and found.group(1)
