"""The one `yingji` command: a thin wrapper over Django management commands.

`yingji import-regions` runs the management command `import_regions`; any Django
command works the same way (`yingji migrate`, `yingji createsuperuser`).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yingji", *argv[1:]])


if __name__ == "__main__":
    main()
