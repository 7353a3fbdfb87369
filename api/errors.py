"""JSON errors: every failure the API reports has the same shape.

    {"error": {"code": "unknown_service", "message": "...", "candidates": [...]}}
"""
from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error with an HTTP status, a machine-readable code, a message and optional candidates."""

    def __init__(self, status: int, code: str, message: str, candidates: list[dict[str, Any]] | None = None,
                 **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.candidates = candidates or []
        self.extra = extra

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message, "candidates": self.candidates}
        err.update(self.extra)
        return {"error": err}


def bad_request(code: str, message: str, candidates: list[dict[str, Any]] | None = None, **extra: Any) -> ApiError:
    return ApiError(400, code, message, candidates, **extra)


def not_found(code: str, message: str, candidates: list[dict[str, Any]] | None = None) -> ApiError:
    return ApiError(404, code, message, candidates)
