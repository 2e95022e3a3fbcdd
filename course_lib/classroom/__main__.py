"""python -m course_lib.classroom OUT_DIR [PAGE ...]: write the classroom pages."""
import sys

from .build import build


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    build(argv[0], argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
