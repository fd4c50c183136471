from django.core.management.base import BaseCommand

from care.tasks import reevaluate_profiles


class Command(BaseCommand):
    help = (
        "Run the nightly re-evaluation now: every profile that time alone could make cross a threshold "
        "(an unresolved thrush, an open antibiotic course, an 18th birthday). Safe to run any number of times."
    )

    def handle(self, *args, **options):
        created = reevaluate_profiles()  # in this process, as the beat's task runs in the worker
        self.stdout.write(f"{created} new alert(s).")
