"""JupyterLab as users run it: started as `make lab` starts it, the notebooks are listed through
its REST API, and notebook 01 runs with its default parameters in a kernel the lab started."""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import time
import urllib.request
import uuid

import nbformat
import pytest
import websocket

from costshare import lab, paths


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(port, token, path, method="GET", body=None):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path_factory.mktemp("lab") / "lab.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(lab.command(port, token), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                api(port, token, "/api/status")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start: {log.read_text()[-2000:]}")
                time.sleep(0.3)
        yield port, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_the_api_needs_the_token(server):
    port, _ = server
    with pytest.raises(urllib.error.HTTPError) as err:
        api(port, "wrong-token", "/api/contents")
    assert err.value.code == 403


def test_notebooks_are_listed(server):
    port, token = server
    listing = api(port, token, "/api/contents")
    names = {item["name"] for item in listing["content"]}
    expected = {p.name for p in paths.NOTEBOOKS_DIR.glob("*.ipynb")}
    assert "01_extract_claims.ipynb" in names and expected <= names


def execute(ws, code: str, timeout: float = 120) -> tuple[str, list[str]]:
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex, "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False},
    }))
    errors, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "error":
            errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
        if msg["msg_type"] == "execute_reply":
            return msg["content"]["status"], errors
    raise TimeoutError(code[:80])


def test_notebook_01_runs_with_its_defaults_in_a_lab_kernel(server):
    port, token = server
    session = api(port, token, "/api/sessions", "POST", {
        "path": "01_extract_claims.ipynb", "type": "notebook", "name": "", "kernel": {"name": "python3"},
    })
    kernel_id = session["kernel"]["id"]
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?token={token}", timeout=120)
    try:
        nb = nbformat.read(paths.NOTEBOOKS_DIR / "01_extract_claims.ipynb", as_version=4)
        ran = 0
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            status, errors = execute(ws, cell.source)
            assert status == "ok", errors
            ran += 1
        status, _ = execute(ws, "assert len(claims) > 30 and params.seeds_dir == 'seeds'")
        assert status == "ok" and ran >= 5
    finally:
        ws.close()
        api(port, token, f"/api/sessions/{session['id']}", "DELETE")
