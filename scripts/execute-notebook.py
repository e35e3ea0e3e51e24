"""Executes one notebook in place, as `jupyter nbconvert --to notebook --execute --inplace` does, but
keeps the outputs a kernel publishes after it has reported the cell finished, and records no
timestamps (so that executing an unchanged notebook changes nothing).

nbclient stops listening to a cell at the kernel's `idle` status; Deno's kernel now and then sends
`idle` before the cell's last output (an execute_result or display_data), which nbclient then drops.
Here each cell listens LATE seconds longer for messages of that cell. A cell that throws fails the
run, as with nbconvert.

    /usr/bin/python3 scripts/execute-notebook.py NOTEBOOK.ipynb [CELL_TIMEOUT]
"""
import os
import sys
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async

LATE = 0.5  # seconds; well below nbclient's iopub_timeout (4 s)


class LateOutputClient(NotebookClient):
    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=LATE))
            except Empty:
                return
            if msg['parent_header'].get('msg_id') == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    pass


def main(path, timeout=600):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.metadata.pop('execution', None)
    folder = os.path.dirname(os.path.abspath(path))
    client = LateOutputClient(
        notebook, timeout=int(timeout), kernel_name='deno', record_timing=False, resources={'metadata': {'path': folder}}
    )
    client.execute()
    nbformat.write(notebook, path)


if __name__ == '__main__':
    main(*sys.argv[1:])
