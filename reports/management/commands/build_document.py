from django.core.management.base import BaseCommand, CommandError

from reports import services
from reports.kinds import SourceMissing, all_kinds
from reports.rendering import TooLongToPrint


class Command(BaseCommand):
    help = (
        "Render a document synchronously, as a worker would, e.g. "
        "build_document highlight_report --project SORPv.1 --period 2011-08 --out report.pdf, "
        "build_document risk_register --register NAME --out register.pdf, or "
        "build_document board_pack --programme CODE|--portfolio --period 2024-01 --out pack.pdf"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=all_kinds())
        parser.add_argument("--project", help="project code (highlight_report)")
        parser.add_argument("--period", help="YYYY-MM: the report whose period holds that month")
        parser.add_argument("--register", help="register name or slug (risk_register)")
        parser.add_argument("--plan", help="plan year (e.g. 2019-20) or title (business_plan)")
        parser.add_argument(
            "--internal", action="store_true", help="business_plan: keep the internal-only column"
        )
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--programme", help="programme code (board_pack)")
        scope.add_argument("--portfolio", action="store_true", help="board_pack: every project")
        parser.add_argument("--out", required=True, help="where to write the PDF")

    def handle(self, *args, kind, project, period, register, plan, internal, out, **options):
        params = {
            "project": project,
            "period": period,
            "register": register,
            "plan": plan,
            "internal": internal,
            "programme": options["programme"] or "",
        }
        try:
            pdf, seconds = services.build_file(kind, params, out)
        except (SourceMissing, TooLongToPrint) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Wrote {out}: {pdf.pages} page(s), {len(pdf.content):,} bytes in {seconds:.2f} s"
        )
