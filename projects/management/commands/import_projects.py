from projects.management.import_command import ImportCommand
from projects.models import Organisation
from projects.onboarding.portfolio import ProjectImporter


class Command(ImportCommand):
    help = (
        "Import projects and programmes from an .xlsx or .csv file: a header row (Code, "
        "Name, Sponsor; optionally Kind, Programme, Manager, Editors, Director, Start, End "
        "and their precision, Cadence, Status, Reports go to, Benefits, Objectives, "
        "Approach…), then a row per project. Matched on the code: importing the same file "
        "again changes nothing. People are found by email, username or full name and must "
        "be in Highlight already (import_people). Exits non-zero, changing nothing, on any "
        "error."
    )
    importer = ProjectImporter

    def add_target_arguments(self, parser):
        pass

    def target(self, **options):
        return Organisation.objects.get(pk=Organisation.current().pk), False
