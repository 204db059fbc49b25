"""Page-number paging shared by every list endpoint."""

from typing import Generic, TypeVar

from ninja import Field, Schema

T = TypeVar("T")
MAX_PAGE_SIZE = 500


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="1-based page number")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    page: int
    page_size: int


def paginate(queryset, paging: PageQuery) -> dict:
    start = (paging.page - 1) * paging.page_size
    return {
        "items": list(queryset[start:start + paging.page_size]),
        "count": queryset.count(),
        "page": paging.page,
        "page_size": paging.page_size,
    }
