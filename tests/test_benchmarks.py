"""The benchmark harness measures what it says (the figures themselves are not tested)."""

from __future__ import annotations

import ipywidgets as ipw

from benchmarks.demo_update_time import sweep
from benchmarks.page_weight import page_bytes
from benchmarks.table import Figure, print_table


def test_a_slider_sweep_covers_its_whole_range_with_real_changes():
    control = ipw.FloatSlider(value=-30.0, min=-30.0, max=30.0)
    values = sweep(control)
    assert min(values) == -30.0 and max(values) == 30.0
    assert values[0] != control.value
    assert all(a != b for a, b in zip(values, values[1:]))


def test_an_int_slider_sweep_steps_through_its_steps():
    control = ipw.IntSlider(value=0, min=0, max=100, step=5)
    assert sweep(control)[:3] == [5, 10, 15] and 100 in sweep(control)


def test_a_selector_sweep_visits_every_option():
    control = ipw.ToggleButtons(options=[("A", "a"), ("B", "b"), ("C", "c")], value="a")
    values = sweep(control)
    assert set(values) == {"a", "b", "c"} and values[0] == "b"


def test_budgets_print_pass_and_over(capsys):
    print_table([Figure("fast", "ms", [10.0, 20.0, 90.0], budget=30.0),
                 Figure("slow", "ms", [40.0, 50.0, 5.0], budget=30.0),
                 Figure("unbudgeted", "s", [1.0])])
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[2:]}
    assert lines["fast"].endswith("PASS") and " 20.0 " in lines["fast"]
    assert lines["slow"].endswith("OVER") and " 40.0 " in lines["slow"]
    assert not lines["unbudgeted"].endswith(("PASS", "OVER"))


def test_page_weight_counts_the_page_and_its_own_images(tmp_path):
    (tmp_path / "_images").mkdir()
    (tmp_path / "_images" / "a.png").write_bytes(b"x" * 1000)
    page = tmp_path / "chapters" / "p.html"
    page.parent.mkdir()
    page.write_text('<img src="../_images/a.png"> <img src="data:image/png;base64,AA">'
                    ' <img src="../_images/a.png">')
    assert page_bytes(page) == page.stat().st_size + 1000


def test_quiz_weight_counts_the_quiz_section_only(tmp_path):
    from benchmarks.quiz_weight import quiz_bytes
    quiz = '<section class="kc-quiz" data-kc-quiz="1"><div></div><script>var a=1;</script>\n</section>'
    page = tmp_path / "p.html"
    page.write_text(f"<html><p>text</p>{quiz}<p>more</p></html>")
    raw, packed = quiz_bytes(page)
    assert raw == len(quiz.encode()) and 0 < packed
    page.write_text("<html><p>no quiz</p></html>")
    assert quiz_bytes(page) == (0, 0)


def test_pdf_figures_report_pages_and_size_against_the_budget(tmp_path):
    from benchmarks.pdf_build import SIZE_BUDGET_MB, pdf_figures

    pages = "".join(f"{n} 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
                    for n in (3, 4, 5))
    pdf = tmp_path / "book.pdf"
    pdf.write_text("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                   "2 0 obj<</Type/Pages/Kids[3 0 R 4 0 R 5 0 R]/Count 3>>endobj\n"
                   f"{pages}trailer<</Root 1 0 R>>\n%%EOF\n")
    count, size = pdf_figures(pdf)
    assert count.values == [3.0] and count.budget is None
    assert size.values == [pdf.stat().st_size / 1e6] and size.budget == SIZE_BUDGET_MB == 10.0


def test_the_grading_benchmark_grades_one_instructor_notebook_per_chapter(tmp_path):
    from benchmarks.grading_time import submissions_folder
    otter = tmp_path / "otter"
    (otter / "instructor").mkdir(parents=True)
    for stem in ("01-a", "02-b"):
        (otter / "instructor" / f"{stem}.ipynb").write_text("{}")
    copies = submissions_folder(otter, tmp_path / "subs")
    assert [p.name for p in copies] == ["01-a.ipynb", "02-b.ipynb"]
    assert all(p.parent == tmp_path / "subs" for p in copies)
