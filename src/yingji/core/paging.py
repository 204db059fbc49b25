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
    count: int = Field(description="rows matching the filters; a lower bound when count_exact is false")
    page: int
    page_size: int
    count_exact: bool = Field(True, description="false when counting stopped at the endpoint's count limit")


def paginate(queryset, paging: PageQuery, *, count_limit: int | None = None, ids_first: bool = False) -> dict:
    """One page of `queryset` and the number of rows. With `count_limit`, counting
    stops after that many rows (`count_exact` false): a wide list of millions costs
    a count of a few thousand index entries, not of all of them, and no one pages to
    the end of it anyway. A page beyond the limit is still served.

    With `ids_first`, the page's primary keys are read first (in order, without the
    joined rows) and then only those rows: the database can then page from an index
    alone, where with the whole rows it may walk the table's order and filter."""
    start = (paging.page - 1) * paging.page_size
    items = page_rows(queryset, start, start + paging.page_size, ids_first=ids_first)
    if count_limit is None:
        count, exact = queryset.count(), True
    else:
        # Which rows make up the first count_limit + 1 does not change how many there
        # are, so no order and no joins for display.
        count = queryset.order_by().select_related(None)[:count_limit + 1].count()
        exact = count <= count_limit
        count = count if exact else max(count_limit, start + len(items))
    return {"items": items, "count": count, "page": paging.page, "page_size": paging.page_size,
            "count_exact": exact}


def page_rows(queryset, start: int, stop: int, *, ids_first: bool = False) -> list:
    """Rows `start` .. `stop` of `queryset`, optionally ids first (see `paginate`)."""
    if not ids_first:
        return list(queryset[start:stop])
    ids = list(queryset.values_list("pk", flat=True)[start:stop])
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]
