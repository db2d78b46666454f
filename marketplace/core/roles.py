"""The four account roles. Kept apart from permissions so models can import it without cycles."""

from enum import StrEnum


class Role(StrEnum):
    PROVIDER = "provider"
    COMMISSIONER = "commissioner"
    ASSESSOR = "assessor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.capitalize()
