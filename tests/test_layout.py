"""The layout stage (careprint.layout): what the PDF cannot show, found in WeasyPrint's laid-out boxes: clipped,
overflowing or off-page text and pictures, and low-contrast text on the page. Each case is hand-written HTML and
CSS rendered through careprint's own render path, with the shipped stylesheets plus one broken rule.
"""

from __future__ import annotations

# --- layout: what the PDF cannot show -------------------------------------------------------------------------

def test_text_clipped_by_overflow_hidden_is_found_in_the_layout(mini):
    sentence = "One two three four five six seven eight nine ten eleven twelve"
    problems, facts, _ = mini.problems(f'<p class="x">{sentence}</p>',
                                       ".x { width: 8em; height: 2.4em; overflow: hidden; }", texts=(sentence,))
    assert problems == [
        'page 1: text "four five six seven" is cut off by <p class="x">, which hides what does not fit '
        "(overflow: hidden); the hidden part is not printed: remove the box's fixed width or height, or its "
        "overflow setting"]
    assert sentence in facts.text  # why the PDF alone cannot tell: clipped text still extracts


def test_an_unbreakable_word_wider_than_the_line_is_found(mini):
    problems, _, _ = mini.problems('<p class="x">Short words then Pneumonoultramicroscopicsilicovolcanoconiosis</p>',
                                   ".x { width: 10em; }")
    assert problems == [
        'page 1: text "Pneumonoultramicroscopicsilicovolcanoco…" sticks out 158.2 pt past the right edge of '
        '<p class="x"> and overlaps what is next to it; a word or number is too long for the line, or the box is '
        "too narrow: shorten it or make the box wider"]


def test_text_pushed_out_of_a_fixed_height_box_is_found(mini):
    problems, _, _ = mini.problems(
        '<div class="x"><p>One two three four five six seven eight nine ten eleven twelve</p></div><p>Next</p>',
        ".x { width: 8em; height: 2.4em; }")
    assert problems == [
        'page 1: text "four five six seven" sticks out 2.8 pt past the bottom edge of <div class="x"> and '
        "overlaps what is next to it; the box is too short for what it holds: remove its fixed height"]


def test_a_box_wider_than_the_box_around_it_is_found(mini):
    body = '<div class="y"><p class="x">This paragraph is wider than the box around it</p></div>'
    problems, _, _ = mini.problems(body, ".y { width: 10em; border: 1pt solid black; } .x { width: 25em; }")
    assert problems == [
        'page 1: text "This paragraph is wider than the box ar…" sticks out 142.6 pt past the right edge of '
        '<div class="y"> and overlaps what is next to it; a box inside it is wider than it or has a negative margin: '
        "check the stylesheet for fixed widths and negative margins"]


def test_text_off_the_page_is_found_in_the_layout_and_in_the_pdf(mini):
    problems, _, _ = mini.problems('<p class="x">Off the page</p>', ".x { position: absolute; left: -3in; }")
    assert problems == [
        'page 1: text "Off the page" runs 216.0 pt into the left page margin, outside the printable area; printers '
        "cut it off: check the stylesheet for fixed widths, negative margins or positioning, and for blocks that "
        "cannot break across pages",
        "page 1: 10 characters lie outside the page and cannot be printed; check the stylesheet for fixed widths, "
        "negative margins or positioning"]


def test_text_pushed_into_the_bottom_margin_is_found(mini):
    problems, _, _ = mini.problems('<div class="x">Keep together</div>', ".x { position: absolute; top: 9.5in; }")
    assert problems == [
        'page 1: text "Keep together" runs 39.8 pt into the bottom page margin, outside the printable area; '
        "printers cut it off: check the stylesheet for fixed widths, negative margins or positioning, and for "
        "blocks that cannot break across pages"]


def test_a_footer_too_long_for_the_page_margin_is_found(mini):
    long_footer = "A footer that goes on" + " and on" * 30
    problems, _, _ = mini.problems("<p>Body text</p>", f"@page {{ @bottom-left {{ content: '{long_footer}'; }} }}",
                                   edition="large-print")
    assert problems == [
        'page 1: text "and on and on and on and on and on and" sticks out 9.6 pt past the bottom edge of the page '
        "footer (@bottom-left) and overlaps what is next to it; the footer does not fit in the page margin: shorten "
        "it or make that page margin larger",
        "page 1: 55 characters lie outside the page and cannot be printed; check the stylesheet for fixed widths, "
        "negative margins or positioning"]


def test_a_picture_outside_the_page_is_found(mini):
    problems, _, _ = mini.problems('<p><img class="x" src="picture.png" alt="A blue box"></p>',
                                   ".x { margin-left: 6.5in; width: 2in; }")
    assert problems == [
        'page 1: the picture "A blue box" sticks out 136.0 pt past the right edge of <p> and overlaps what is next '
        "to it; make the picture smaller",
        "page 1: a picture lies partly outside the page and is cut off; make it smaller or fix its position in the "
        "stylesheet"]


def test_low_contrast_text_on_the_page_is_found(mini):
    problems, _, _ = mini.problems('<p class="x">Grey words</p>', ".x { color: #777777; }")
    assert problems == ['page 1: text "Grey words" is #777777 on #ffffff, a contrast of 4.5:1; clear print needs at '
                        "least 7:1: darken the text colour"]
