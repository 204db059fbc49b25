"""The one `yingji` command: a thin wrapper over Django management commands.

`yingji import-regions` runs the management command `import_regions`; any Django
command works the same way (`yingji migrate`, `yingji createsuperuser`).

`yingji`, `yingji -h`, `yingji --help` and `yingji help` list Yingji's own commands,
grouped by app, one line each (the first line of the command's `help`); Django's
commands follow by name only. `yingji help COMMAND` is the command's own help, and
`yingji help --all` Django's full list.
"""

import os
import sys

# The order and titles of the groups; a Yingji app not named here is listed after them.
GROUPS = {
    "demo": "演示 Demo",
    "core": "平台 Platform",
    "enterprises": "企业 Enterprises",
    "hazards": "隐患 Hazards",
    "alerts": "预警叫应 Alerts",
    "hydromet": "水雨情 Hydromet",
    "floods": "山洪 Floods",
    "insurance": "巨灾保险 Insurance",
    "messaging": "消息 Messaging",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    if len(argv) == 1 or argv[1:] in (["-h"], ["--help"], ["help"]):
        sys.stdout.write(overview())
        return
    if argv[1:] == ["help", "--all"]:
        argv = argv[:2]
    elif len(argv) > 2 and argv[1] == "help":
        argv[2] = argv[2].replace("-", "_")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yingji", *argv[1:]])


def overview() -> str:
    """The grouped list of Yingji's commands, then Django's by name."""
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    ours: dict[str, list[tuple[str, str]]] = {}
    theirs = []
    for name, app in sorted(get_commands().items()):
        if not app.startswith("yingji."):
            theirs.append(name)
            continue
        label = app.rsplit(".", 1)[-1]
        ours.setdefault(label, []).append((name.replace("_", "-"), _first_line(load_command_class(app, name).help)))
    lines = ["用法 / usage: yingji COMMAND [options]    (yingji help COMMAND: the command's options)", ""]
    for label in [*GROUPS, *sorted(set(ours) - set(GROUPS))]:
        if label not in ours:
            continue
        lines.append(f"{GROUPS.get(label, label)}:")
        width = max(len(n) for n, _ in ours[label])
        lines += [f"  {name:<{width}}  {text}" for name, text in ours[label]]
        lines.append("")
    lines.append("Django 命令 / Django's commands (yingji help --all for their groups):")
    lines.append("  " + " ".join(n.replace("_", "-") for n in theirs))
    return "\n".join(lines) + "\n"


def _first_line(text: str) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else "—"
    return line if len(line) <= 110 else line[:107] + "..."


if __name__ == "__main__":
    main()
