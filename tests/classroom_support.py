"""Reading the classroom pages (course_lib/classroom) back, for the tests."""
import base64
import json
import re
from pathlib import Path

from course_lib.classroom.frames import unbundle

ROOT = Path(__file__).resolve().parents[1]
BUILT = ROOT / "_build" / "html" / "classroom"


def classroom_pages(tmp_path_factory):
    """The folder of the pages `make site` built, or of pages built now if there are none."""
    if (BUILT / "index.html").exists():
        return BUILT
    from course_lib.classroom import build
    out = tmp_path_factory.mktemp("classroom")
    build(out, log=lambda line: None)
    return out


def read_page(path):
    """(controls, header, arrays) of a page: what its script reads."""
    text = Path(path).read_text(encoding="utf-8")
    controls = json.loads(re.search(r'<script type="application/json" id="controls">(.*?)'
                                    r'</script>', text, re.S).group(1))
    blob = re.search(r'<script type="application/octet-stream" id="frames">([^<]*)</script>',
                     text).group(1)
    header, arrays = unbundle(base64.b64decode(blob))
    return controls, header, arrays
