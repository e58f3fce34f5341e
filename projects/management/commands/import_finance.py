from projects.management.import_command import ImportCommand
from projects.models import Organisation
from projects.onboarding.finance import FinanceImporter


class Command(ImportCommand):
    help = (
        "Import the finance system's extract from an .xlsx or .csv file: a header row "
        "(Project or Cost centre; Period, or Year and Period; Kind; Budget, Actual, "
        "Forecast), then a row per project, financial year and kind of money (Capital or "
        "Revenue). Matched on the project, year and kind: importing the same file again "
        "changes nothing, and a blank figure is left as it is. Exits non-zero, changing "
        "nothing, on any error."
    )
    importer = FinanceImporter

    def add_target_arguments(self, parser):
        pass

    def target(self, **options):
        return Organisation.objects.get(pk=Organisation.current().pk), False
