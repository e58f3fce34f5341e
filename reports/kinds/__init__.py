"""The kinds of document Highlight prints, one module each, registered by name.

Every kind is a ``DocumentKind`` (``reports/kinds/base.py`` documents the contract). The
modules of this package are imported when it is, so a kind registers itself by being here;
``Document.kind`` takes its choices from the registry, so a new kind needs no migration.

Adding a fifth kind
-------------------
1. Write ``reports/kinds/<name>.py``::

       from .base import DocumentKind, SourceMissing, register_kind

       @register_kind
       class ProjectCardKind(DocumentKind):
           name = "project_card"            # stored in Document.kind (20 characters at most)
           label = "Project card"
           template_name = "pdf/project_card.html"
           request_fields = required_fields = ("project",)   # on the documents page

           def resolve(self, params):       # natural keys -> the object it prints
               ...raise SourceMissing("No project with the code 'X'.") when there is none
           def params_for(self, project, params=None):
               return {"project": project.code}
           def gather(self, project, params=None, progress=None):
               return {"code": project.code, "name": project.name}   # JSON-native only
           def filename(self, project, params=None):
               return f"{project.code}-card.pdf"
           def can_read(self, user, project, params=None):
               return ...the app's access helper says they may read the project

   Override ``pdf_options``, ``queue``, ``title``, ``can_read_document`` or
   ``approved_fingerprint`` only when the defaults do not fit.
2. Write ``templates/pdf/<name>.html``, extending ``pdf/base.html`` and printing only what
   ``gather`` returned (it is auto-escaped; Markdown goes through the ``markdown`` filter).
3. Ask for it: ``reports.services.request_document("project_card", {"project": "SIB"},
   user)`` (or ``source=project`` when the caller holds the object), from a view through
   ``projects.documents.request_pdf``. Workers, the documents page, downloads, access and
   the ``build_document`` command then work for it unchanged.

``tests/test_reports/test_document_kinds.py`` does exactly this with a kind of its own.
"""

import importlib
import pkgutil

from .base import (
    DocumentKind,
    SourceMissing,
    all_kinds,
    choices,
    fingerprint,
    get_kind,
    register_kind,
    unregister_kind,
)

__all__ = [
    "DocumentKind",
    "SourceMissing",
    "all_kinds",
    "choices",
    "fingerprint",
    "get_kind",
    "register_kind",
    "unregister_kind",
]

# Importing each module registers the kinds it defines.
for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")
