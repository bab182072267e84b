"""A pull request whose every author-controlled string tries to be interpreted.

Jinja, markdown-exec fences (git allows newlines in file names), HTML and
script tags, javascript: links, table-breaking pipes, snippet markers, bidi
and control characters, path traversal, very long names, and 3500 files.
"""

from __future__ import annotations

PWNED = "PWNED" * 3
HOSTILE_NAMES = [
    "{{ 7*7 }}.py",
    "{% include 'mkdocs.yml' %}.py",
    "{% raw %}raw{% endraw %}{{ config.site_name }}.md",
    'vllm_omni/engine/a\n```python exec="on"\nprint("PWNED" * 3)\n```\n.py',
    "<script>alert(1)</script>.py",
    "docs/<img src=x onerror=alert(2)>.md",
    "[click](javascript:alert(3)).md",
    "table|breaking|name.py",
    '--8<-- "mkdocs.yml"',
    "vllm_omni/engine/\u202eyp.exe\u202c.py",
    "ctrl\x1b[31mred\x07.py",
    "../../../../tmp/escaped.py",
    "vllm_omni/worker/" + "x" * 3000 + ".py",
]
TITLE = "{{ config.extra }} <script>alert('title')</script> ```python exec=\"on\"\nprint('PWNED'*3)\n```"
AUTHOR = "<b>bold</b>{{ 1+1 }}"
HEAD_REF = "{% include 'x' %}"


def hostile_pr(number: int = 666, total_files: int = 3500) -> tuple[dict, list[dict]]:
    files = [
        {
            "filename": name,
            "status": "added",
            "additions": 1,
            "deletions": 0,
            "changes": 1,
            "sha": f"{i:040x}",
        }
        for i, name in enumerate(HOSTILE_NAMES)
    ]
    files.append(
        {
            "filename": "vllm_omni/engine/new.py",
            "previous_filename": "<i>old</i>{{ 2*2 }}.py",
            "status": "renamed",
            "additions": 0,
            "deletions": 0,
            "changes": 0,
            "sha": "f" * 40,
        }
    )
    files += [
        {
            "filename": f"vllm_omni/diffusion/gen/f{i}.py",
            "status": "modified",
            "additions": 1,
            "deletions": 1,
            "changes": 2,
            "sha": f"{i + 100:040x}",
        }
        for i in range(total_files - len(files))
    ]
    pull = {
        "number": number,
        "title": TITLE,
        "user": {"login": AUTHOR},
        "state": "open",
        "merged": False,
        "html_url": "javascript:alert('url')",
        "head": {"sha": "c" * 40, "ref": HEAD_REF},
        "base": {"sha": "d" * 40, "ref": "main<>"},
        "additions": total_files,
        "deletions": 0,
        "changed_files": total_files,
    }
    return pull, files
