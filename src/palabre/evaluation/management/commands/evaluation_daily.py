from django.core.management.base import BaseCommand

from palabre.evaluation.services import visits_roll_up


class Command(BaseCommand):
    help = "Sum up yesterday's visits and delete their salted hashes (run daily from cron)."

    def handle(self, *args: object, **options: object) -> None:
        days = visits_roll_up()
        self.stdout.write(f"{days} day(s) summed up")
