"""``charter init``: write a minimal workspace that validates, ready to fill in."""

from __future__ import annotations

import re
from pathlib import Path

from charter.domain.errors import InputError
from charter.domain.workspace import CONFIG_FILE, PEOPLE_FILE, TOOLS_FILE, TRAINING_FILE

_CONFIG = """\
# Charter workspace: who the partner is and which guideline packs it is held to.
# Field reference: docs/workspace.md (or `charter schema export`).
partner:
  id: {partner_id}
  name: {name}
  compliance_lead: compliance-lead
  platform_contact:
    name: Platform partner contact
    email: partner-contact@platform.example
guidelines:
{pins}
# Stricter local thresholds (never looser than the pack):
thresholds: []
"""

_PEOPLE = """\
# Everyone a system card, use case or training record names.
people:
  - id: compliance-lead
    name: Compliance Lead
    email: compliance.lead@{domain}
    team: Compliance
    roles: [compliance_lead, reviewer, approver]
"""

_TOOLS = """\
# Register of AI tools and vendors with their data terms.
tools: []
"""

_TRAINING = "person,module,version,completed_on,evidence\n"

_SYSTEMS_README = """\
One AI system card per file: systems/<id>.yaml, the file name matching the card's id.
See docs/workspace.md for every field.
"""

_USECASES_README = """\
One GenAI content-production use case per file: usecases/<id>.yaml.
"""


def scaffold_workspace(
    root: Path, pins: list[tuple[str, str]], partner_id: str | None, name: str | None
) -> list[Path]:
    """Create the workspace files; refuses to overwrite an existing ``charter.yaml``."""
    if (root / CONFIG_FILE).exists():
        raise InputError.at(str(root / CONFIG_FILE), 0, 0, "a workspace already exists here")
    slug = partner_id or _slug(root.resolve().name) or "partner"
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,79}", slug):
        raise InputError.at("--partner-id", 0, 0, f"'{slug}' is not a valid id (a-z, 0-9, . _ -)")
    files = {
        CONFIG_FILE: _CONFIG.format(
            partner_id=slug,
            name=_quote(name or slug.replace("-", " ").title()),
            pins="\n".join(f"  - pack: {p}\n    version: '{v}'" for p, v in pins),
        ),
        PEOPLE_FILE: _PEOPLE.format(domain=f"{slug}.example"),
        TOOLS_FILE: _TOOLS,
        TRAINING_FILE: _TRAINING,
        "systems/README.md": _SYSTEMS_README,
        "usecases/README.md": _USECASES_README,
        ".gitignore": ".charter/\n",
    }
    written = []
    for rel, text in files.items():
        path = root / rel
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
