"""The words of the catalogue page for staff (careprint.catalogue), the `catalogue:` section of a locale file.

Why this module exists: the page's words are checked like every other word careprint prints (careprint.locale: an
unknown key is refused, a missing word is named with the file and key), but careprint.catalogue must stay cheap to
import for a build with nothing to do, so the model lives apart from the page, and careprint.locale holds it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

Words = str  # printed as given; `{name}` fields are filled in by careprint


class CatalogueWords(BaseModel):
    """The words of the catalogue page for staff (careprint.catalogue, out/index.html). Only the default language
    needs them: the page is for the clinic's staff, not for patients, so a translation's locale may leave them out.
    A state, edition or paper without words here is shown by its own name, so a new one needs no code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Words = Field(min_length=1)
    intro: Words
    print_hint: Words
    not_approved_hint: Words
    counts: Words = Field(description="with {handouts} and {files}")
    empty: Words = Field(min_length=1)
    filter_label: Words = Field(min_length=1)
    filter_hint: Words
    filter_count: Words = Field(description="with {shown} and {total}")
    filter_none: Words = Field(min_length=1)
    handout_id: Words = Field(description="with {id}: under each handout's title")
    caption: Words = Field(description="with {title}: each handout's table, for screen readers")
    columns: dict[str, Words] = Field(description="language, edition, file, status, next_review, page_one, open")
    pages: dict[str, Words] = Field(description="one and many, each with {pages}")
    version: Words = Field(description="with {version}")
    paper: Words = Field(description="with {paper}")
    open: Words = Field(min_length=1)
    open_context: Words = Field(description="with {format}, {edition}, {language} and {title}: after `open`, for "
                                            "screen readers")
    thumbnail_alt: Words = Field(description="with {format}, {edition}, {language} and {title}")
    no_preview: Words
    not_approved_mark: Words = Field(min_length=1, description="before every status but approved")
    states: dict[str, Words] = Field(description="a review state (careprint.approval) -> its words for staff")
    other_state: Words = Field(description="with {state}: a state without words here, never shown as approved")
    overdue: Words = Field(min_length=1, description="beside a next review date that has passed")
    editions: dict[str, Words]
    papers: dict[str, Words]

    @model_validator(mode="after")
    def _columns(self) -> CatalogueWords:
        for key, names in (("columns", ("language", "edition", "file", "status", "next_review", "page_one", "open")),
                           ("pages", ("one", "many")), ("states", ("approved",))):
            missing = [name for name in names if name not in getattr(self, key)]
            if missing:
                raise ValueError(f"{key} has no words for {', '.join(missing)}")
        return self
