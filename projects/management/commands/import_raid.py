from django.core.management.base import CommandError

from projects.management.import_command import ImportCommand
from projects.models import Project
from projects.onboarding.raid import RaidImporter


class Command(ImportCommand):
    help = (
        "Import a project's RAID log from an .xlsx or .csv file in the layout its export "
        "writes (Ref, Kind, Title, Description, Owner, Raised, Due, Priority, Status, "
        "Resolution, For the board, Decided by, Decided on, Issue, Depends on). A row with a "
        "reference (I3) is that item, added with that number if the log has none; a row "
        "without is matched on its kind and title. Importing the same file again changes "
        "nothing. Exits non-zero, changing nothing, on any error."
    )
    importer = RaidImporter

    def add_target_arguments(self, parser):
        parser.add_argument("--project", required=True, help="the project's code")

    def target(self, project, **options):
        found = Project.objects.filter(code=project).first()
        if found is None:
            raise CommandError(f"No project has the code {project!r}.")
        return found, False
