"""The current settings as environment variables an administrator can set, secrets hidden."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel

from core.settings import Settings

ENV_PREFIX = "SHARECHECK_"
NESTED = "__"
SECRET_FIELDS = {"api_key"}
HIDDEN = "•••••• (set)"


@dataclass(frozen=True)
class SettingRow:
    variable: str
    value: str


def _without_password(url: str) -> str:
    """A database URL as shown on screen: the password replaced, the rest kept."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":••••••@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if name in SECRET_FIELDS:
        return HIDDEN
    if name.endswith("_url"):
        return _without_password(str(value))
    return str(value)


def setting_rows(model: BaseModel, prefix: str = ENV_PREFIX) -> list[SettingRow]:
    """One row per setting, nested groups flattened the way pydantic-settings reads them."""
    rows: list[SettingRow] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        variable = f"{prefix}{name.upper()}"
        if isinstance(value, BaseModel):
            rows.extend(setting_rows(value, f"{variable}{NESTED}"))
        else:
            rows.append(SettingRow(variable, _shown(name, value)))
    return rows


def database_locations(settings: Settings) -> dict[str, str]:
    return {
        "Data folder": str(settings.data_dir.resolve()),
        "Passages (Chroma)": settings.chroma_url or str(settings.chroma_dir.resolve()),
        "Documents (registry)": _without_password(settings.registry_url)
        if settings.registry_url
        else str(settings.registry_path.resolve()),
        "Governance log": _without_password(settings.log_database_url),
        "Accounts": _without_password(settings.accounts_url)
        if settings.accounts_url
        else str(settings.users_path.resolve()),
    }
