"""Entry point: `python -m offline preview --stack dev` (see offline/preview.py); also `diagram`
(offline/diagram.py) and `ci` (offline/ci.py)."""

import sys

from offline import ci, diagram, preview

COMMANDS = {"preview": preview.main, "diagram": diagram.main, "ci": ci.main}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(f"usage: python -m offline {{{','.join(COMMANDS)}}} --stack STACK [options]", file=sys.stderr)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
