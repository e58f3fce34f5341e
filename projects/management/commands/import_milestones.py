from django.core.management.base import CommandError

from projects.management.import_command import ImportCommand
from projects.models import Project
from projects.onboarding.plan import MilestoneImporter


class Command(ImportCommand):
    help = (
        "Import a project's milestones from an .xlsx or .csv file in the layout its export "
        "writes (Milestone, Workstream, Baseline, Forecast, Actual, Status, Key). Matched on "
        "the name: importing the same file again changes nothing; an agreed baseline is "
        "never moved by a file. Exits non-zero, changing nothing, on any error."
    )
    importer = MilestoneImporter

    def add_target_arguments(self, parser):
        parser.add_argument("--project", required=True, help="the project's code")

    def target(self, project, **options):
        found = Project.objects.filter(code=project).first()
        if found is None:
            raise CommandError(f"No project has the code {project!r}.")
        return found, False
