from django.core.management.base import BaseCommand

from palabre.contributions.services import idea_views_roll_up
from palabre.evaluation.services import visits_roll_up


class Command(BaseCommand):
    help = (
        "Sum up yesterday's visits and idea openings and delete their hashes (run daily from cron)."
    )

    def handle(self, *args: object, **options: object) -> None:
        days = visits_roll_up()
        ideas = idea_views_roll_up()
        self.stdout.write(f"{days} day(s) summed up, {ideas} idea(s) opened")
