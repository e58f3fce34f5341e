from projects.management.import_command import ImportCommand
from projects.models import Organisation
from projects.onboarding.rag_history import RagHistoryImporter


class Command(ImportCommand):
    help = (
        "Import past RAG history from an .xlsx or .csv file: a header row (Project, Month, "
        "Dimension, Status, Approved by, Approved on; optionally Comment and Submitted on), "
        "then a row per project, month and RAG dimension. Each project-month becomes an "
        "approved report marked imported; one written in Highlight is never replaced, and "
        "importing the same file again changes nothing. Exits non-zero, changing nothing, "
        "on any error."
    )
    importer = RagHistoryImporter

    def add_target_arguments(self, parser):
        pass

    def target(self, **options):
        return Organisation.objects.get(pk=Organisation.current().pk), False
