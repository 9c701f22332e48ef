"""The OpenAPI document says what the API refuses: text holding a NUL character.

PostgreSQL cannot store such text, so the API refuses it in every parameter and request body
(`web.middleware.NulCharacterMiddleware`, `schemas.InSchema`); each plain string a request may
carry gets the pattern below, so clients and fuzzers know it before they send.
"""

from __future__ import annotations

NO_NUL = r"^[^\x00]*$"
_CONSTRAINED = {"format", "enum", "const", "pattern"}  # already narrower, or checked otherwise


def forbid_nul(document: dict) -> dict:
    components = document.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                _mark(parameter.get("schema", {}), components, seen)
            for media in operation.get("requestBody", {}).get("content", {}).values():
                _mark(media.get("schema", {}), components, seen)
    return document


def _mark(node, components: dict, seen: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _mark(item, components, seen)
        return
    if not isinstance(node, dict):
        return
    if ref := node.get("$ref"):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen and name in components:
            seen.add(name)
            _mark(components[name], components, seen)
        return
    if node.get("type") == "string" and not _CONSTRAINED & node.keys():
        node["pattern"] = NO_NUL
    for key, value in node.items():
        if key not in ("default", "example", "examples"):
            _mark(value, components, seen)
