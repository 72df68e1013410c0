"""Benchmark: the CPU one login attempt costs, before and after the throttle locks.

Run: .venv/bin/python bench/login.py [--attempts 30]

With the installation's password hasher (Django's default, PBKDF2), posts wrong passwords
for one account from one address to the login page through Django's test client and
prints the process CPU time of each attempt: the attempts the throttle lets through hash
the password, the refused ones (429) do not. Then the same for an unknown user name, and
for the hasher alone. Uses a throwaway SQLite database.
"""

import argparse
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

DATA_DIR = Path(tempfile.mkdtemp(prefix="koers-bench-login-"))
os.environ["KOERS_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "koers.settings"

import django  # noqa: E402

django.setup()

import unscoped  # noqa: E402, F401  (the operator's view: see bench/unscoped.py)

logging.disable(logging.WARNING)  # the throttle's and Django's warnings of every refusal

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import get_hasher, make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def cpu_ms(call) -> tuple[float, object]:
    start = time.process_time()
    result = call()
    return (time.process_time() - start) * 1000, result


def run(name: str, attempts: int, address: str, note: str) -> None:
    client = Client(REMOTE_ADDR=address)
    allowed, refused = [], []
    first_refused = None
    for n in range(1, attempts + 1):
        spent, response = cpu_ms(
            lambda n=n: client.post("/accounts/login/", {"username": name, "password": f"fout-{n}"})
        )
        if response.status_code == 429:
            refused.append(spent)
            first_refused = first_refused or n
        else:
            allowed.append(spent)
    print(f"\n{name} ({note}): {attempts} wrong passwords from {address}")
    print(f"  refused (429) from attempt {first_refused}")
    print(f"  checked attempts: {len(allowed)}, median CPU {statistics.median(allowed):.1f} ms")
    if refused:
        print(f"  refused attempts: {len(refused)}, median CPU {statistics.median(refused):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attempts", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    get_user_model().objects.create_user("lid@voorbeeld.be", "lid@voorbeeld.be", "juist-1234")
    hasher = get_hasher()
    spent = statistics.median(cpu_ms(lambda: make_password("x"))[0] for _n in range(5))
    print(f"password hasher: {hasher.algorithm}, {getattr(hasher, 'iterations', '?')} iterations")
    print(f"  one hash: {spent:.1f} ms CPU")
    print(f"limit per name and address: {settings.KOERS_LOGIN_FAILURE_LIMIT}")
    run("lid@voorbeeld.be", args.attempts, "203.0.113.1", "an account")
    # An unknown name is hashed just the same (nothing to learn from the time it takes).
    run("onbekend@voorbeeld.be", args.attempts, "203.0.113.2", "no such account")


if __name__ == "__main__":
    main()
