from projects.management.import_command import ImportCommand
from projects.models import Organisation
from projects.onboarding.people import PeopleImporter


class Command(ImportCommand):
    help = (
        "Import people from an .xlsx or .csv file: a header row (Email or Username, Full "
        "name or First name and Last name; optionally Job title, Organisation unit, Groups, "
        "Active), then a row per person. Matched on email, then username: importing the "
        "same file again changes nothing. New people are emailed an invitation to choose "
        "their password. Groups (PMO, Directors) are honoured here, as an administrator's "
        "command. Exits non-zero, changing nothing, on any error."
    )
    importer = PeopleImporter

    def add_target_arguments(self, parser):
        pass

    def target(self, **options):
        return Organisation.objects.get(pk=Organisation.current().pk), False

    def totals(self, outcome):
        return f"; {outcome.invitations} invitation(s) to send" if outcome.invitations else ""
