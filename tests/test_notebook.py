"""notebooks/explore.ipynb runs from top to bottom, and is committed without outputs.

Equivalent with nbmake: ``pytest --nbmake notebooks/``."""
from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="needs the test extra (nbmake, ipykernel)")
nbclient = pytest.importorskip("nbclient", reason="needs the test extra (nbmake, ipykernel)")
pytest.importorskip("ipykernel", reason="needs the test extra (ipykernel)")
pytest.importorskip("matplotlib", reason="needs the explore extra (matplotlib)")

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, \
                "clear the outputs before committing (Jupyter: Edit > Clear outputs)"


@pytest.mark.slow
def test_notebook_runs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any('class="zhclean-removed"' in h for h in html), "explain did not render as HTML"
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 4, "the plots did not render"
