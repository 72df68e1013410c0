"""The ``koers`` command: Django's management commands under shorter names.

``koers demo``, ``koers serve``, ``koers import FILE``,
``koers import-eval EXPECTED FILE``, ``koers export --plan ID --out FILE``,
and every other management command (``koers migrate``, ``koers createsuperuser`` …).
"""

import os
import sys

ALIASES = {
    "import": "import_plan",
    "export": "export_plan",
    "import-eval": "import_eval",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koers.settings")
    from koers.env import data_dir

    data_dir().mkdir(parents=True, exist_ok=True)
    from django.core.management import execute_from_command_line

    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    execute_from_command_line(["koers", *argv[1:]])


if __name__ == "__main__":
    main()
