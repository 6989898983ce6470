"""`palabre demo`: migrate, load the demo, start a task worker and the web server."""

from __future__ import annotations

import os
import subprocess
import sys


def run_demo(*, host: str, port: int, serve: bool = True) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    # The demo shows what users see: real (French) error pages, not Django's debug pages.
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from .loader import demo_logins

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("demo_load")
    call_command("notifications_daily", verbosity=0)  # in production: a daily cron job
    call_command("evaluation_daily", verbosity=0)  # idem
    barometer = settings.DATA_DIR / "barometre-demo"
    if not barometer.exists():  # 50 generated (fictitious) evaluation records
        from palabre_analysis.barometer import write_generated

        write_generated(barometer)
    url = f"http://{host}:{port}/"
    lines = [
        "",
        "=" * 72,
        f"  Palabre demo: {url}",
        f"  Ville de Démo: {url}ville-de-demo/   agents' space: {url}ville-de-demo/espace/",
        "  Demo logins (password for all: demo-palabre-2026). Staff sign in with a second",
        "  factor: add the secret to an authenticator app, or print the current code with",
        "  `.venv/bin/palabre manage demo_code EMAIL`.",
    ]
    lines += [
        f"    {role:<28} {email:<32} {'TOTP ' + secret if secret else ''}".rstrip()
        for email, role, _org, secret in demo_logins()
    ]
    lines += [
        "  E-mails (sign-in codes, verification) are printed in this terminal.",
        f"  Barometer of 50 generated records: palabre barometer {barometer} -o barometre.html",
        "=" * 72,
        "",
    ]
    print("\n".join(lines), flush=True)
    if not serve:
        return 0
    manage = [sys.executable, "-m", "palabre.cli", "manage"]
    worker = subprocess.Popen([*manage, "db_worker", "--no-reload"])  # noqa: S603 - our own command
    try:
        return subprocess.call([*manage, "runserver", "--noreload", f"{host}:{port}"])  # noqa: S603
    except KeyboardInterrupt:
        return 0
    finally:
        worker.terminate()
        worker.wait(timeout=10)
