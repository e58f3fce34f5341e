"""The contract every kind of document keeps, and the small value writers they share."""

import datetime
import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from projects import markings, periods
from projects.models import Organisation

# Bump when a print template changes enough that existing PDFs should be rendered again.
LAYOUT_VERSION = 8


class SourceMissing(Exception):
    """The params name nothing that exists (a wrong project code or period)."""


class DocumentKind:
    """A kind of document Highlight prints: what it prints from, what it gathers, how it
    looks, and who may read it.

    A document is asked for by natural keys (``params``: JSON such as
    ``{"project": "SORPv.1", "period": "2011-08"}``), so a request, a monthly run and a
    worker all name the same document the same way. A kind turns those keys into its
    *source* (the report, register, plan or programme it prints) and back:

    ``resolve(params) -> source``
        Find the source, or raise ``SourceMissing`` with a sentence a person can act on.
    ``params_for(source, params=None) -> dict``
        The canonical params for a source (``params`` carries options such as a plan's
        ``internal``). Equal documents must get equal params: they are the dedup key.
    ``gather(source, params, progress=None) -> dict``
        Everything the document prints, as JSON-native data (strings, numbers, lists,
        dicts; dates already written dd/mm/yyyy). The template renders it, its sha256 is the
        document's fingerprint, and an approved report keeps it as its frozen snapshot.
        Long kinds call ``progress(done, total)`` as they go (the documents page shows it).
    ``template(data) -> str``
        The print template (under ``templates/pdf/``, extending ``pdf/base.html``).
    ``pdf_options``
        Keyword arguments for WeasyPrint (e.g. a tagged PDF/UA variant); ``queue`` the
        Celery queue its renders go to (long kinds have workers of their own).
    ``max_pages``
        The most pages a document of the kind may print: one that lays out longer fails
        as "too long to print" rather than being written (set above the largest the bench
        renders, ``bench/results/latest.json``).
    ``marking(source, data)``
        The protective marking the document carries (by default its source's: a report
        its project's); a board pack carries the highest of what it holds.
    ``printable(source, params, progress=None) -> dict``
        What is printed: the gathered data and the letterhead (the organisation's name
        and logo and the marking, printed on every page). Both are fingerprinted, so
        re-marking a project or changing the logo makes its documents again.
    ``fingerprint(data) -> str``
        sha256 of the layout version and the printable data; a document is made again
        only when this changes.
    ``title(source, params)`` / ``filename(source, params)``
        What the documents page calls it and the name it downloads under.
    ``can_read(user, source, params)``
        Whether the user may ask for this document (they may read what it prints).
    ``refusal(source, params) -> Exception``
        What is raised for someone who may not read the document. By default
        PermissionDenied ("you may not read what it would print"), which tells nothing
        when its source is public (a programme's board pack). A kind whose source may be
        hidden from them (a draft report, a register, a draft plan) answers exactly as
        ``resolve`` does when there is no such source, as a 404 would (DESIGN.md).
    ``can_read_document(user, source, document)``
        Whether the user may download one already made; by default the same as
        ``can_read``. A highlight report's non-drafting readers get only the approved copy.
    ``request_fields`` / ``required_fields``
        The fields of the documents page's form (``reports.forms``: programme, project,
        period, register, plan, internal) that become its params, and those that must be
        filled; ``order`` places the kind in that form's list.
    ``page_documents(documents)``
        Of a source's documents (a queryset), those its page may offer as its PDF; by
        default all. A business plan's page offers the whole plan, never an extract.
    ``approved_fingerprint(source)``
        The fingerprint of the copy that stands as approved (a highlight report's frozen
        snapshot), or None: a source's page then shows that copy and no other.

    Directors and the PMO read every document whatever the kind says (``reports.access``).
    """

    name = ""  # the key stored in Document.kind, e.g. "risk_register"
    label = ""  # how people say it, e.g. "Risk register"
    template_name = ""
    # Every document is a tagged PDF with PDF/UA-1 metadata: headings, lists, tables and
    # reading order are marked up for screen readers (a public body's documents must be
    # accessible).
    pdf_options = {"pdf_variant": "pdf/ua-1"}
    queue = "default"
    # About five times the longest document `make bench` renders (the 200-risk register,
    # 213 pages, in 20 s), and still within the render task's time limit at the bench's pace.
    max_pages = 1_000
    request_fields = ()
    required_fields = ()
    order = 100

    def resolve(self, params):
        raise NotImplementedError

    def params_for(self, source, params=None):
        raise NotImplementedError

    def gather(self, source, params=None, progress=None):
        raise NotImplementedError

    def template(self, data):
        return self.template_name

    def marking(self, source, data):
        return markings.marking_of(source)

    def letterhead(self, source, data):
        organisation = Organisation.current()
        return {
            "organisation": organisation.name,
            # The re-encoded PNG Highlight keeps; its name carries its hash, so a new logo
            # is a new fingerprint.
            "logo": organisation.logo_name,
            "marking": str(self.marking(source, data)),
        }

    def printable(self, source, params=None, progress=None):
        data = self.gather(source, params, progress=progress)
        return {**data, "letterhead": self.letterhead(source, data)}

    def fingerprint(self, data):
        return fingerprint(data)

    def title(self, source, params=None):
        return f"{self.label} {source}"

    def filename(self, source, params=None):
        raise NotImplementedError

    def can_read(self, user, source, params=None):
        raise NotImplementedError

    def can_read_document(self, user, source, document):
        return self.can_read(user, source, document.params)

    def refusal(self, source, params):
        return PermissionDenied()

    def page_documents(self, documents):
        return documents

    def approved_fingerprint(self, source):
        return None


REGISTRY = {}


def register_kind(kind_class):
    """Class decorator: make a kind known by its ``name``."""
    if not kind_class.name or kind_class.name in REGISTRY:
        raise ValueError(f"A document kind needs a name of its own, not {kind_class.name!r}.")
    REGISTRY[kind_class.name] = kind_class()
    return kind_class


def unregister_kind(name):
    REGISTRY.pop(name, None)


def get_kind(name):
    try:
        return REGISTRY[name]
    except KeyError:
        raise SourceMissing(f"Highlight cannot print documents of kind {name!r}.") from None


def all_kinds():
    return sorted(REGISTRY)


def choices():
    """Document.kind's choices (a callable, so a new kind needs no migration)."""
    return [(k.name, k.label) for k in sorted(REGISTRY.values(), key=lambda k: (k.order, k.label))]


def fingerprint(data):
    payload = json.dumps({"layout": LAYOUT_VERSION, "data": data}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def parse_month(value):
    """The first day of a month written YYYY-MM, or SourceMissing saying so."""
    try:
        return periods.parse_month(value)
    except (TypeError, ValueError):
        raise SourceMissing(f"{value!r} is not a month written YYYY-MM.") from None


def day(value):
    """A date as documents print it (dd/mm/yyyy, London time for a moment), "" for none."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


def person(user):
    if user is None:
        return None
    return {"name": str(user), "name_and_role": user.name_and_role}


def rag(status):
    if status is None:
        return None
    return {"name": status.name, "colour": status.colour, "text_colour": status.text_colour}


def band(assessment):
    """A scored cell: probability, impact, score and its band's name and colours."""
    if assessment is None:
        return None
    band = assessment.band
    return {
        "probability": assessment.probability,
        "probability_label": assessment.probability_label,
        "impact": assessment.impact,
        "impact_label": assessment.impact_label,
        "score": assessment.score,
        "band": band.name if band else "",
        "colour": band.colour if band else "#ffffff",
        "text_colour": band.text_colour if band else "#000000",
    }
